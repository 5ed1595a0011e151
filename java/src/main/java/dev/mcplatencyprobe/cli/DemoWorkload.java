package dev.mcplatencyprobe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workload traced when the CLI is given no target: syscalls of varied latency, like a small
 * server's. Disk appends with fsync (milliseconds), timed sleeps (1-20 ms), loopback TCP round
 * trips (microseconds) and /proc reads (sub-microsecond). Runs for the given seconds (default 10), or until killed.
 */
public final class DemoWorkload {
    private DemoWorkload() {}

    /** Extra seconds the workload runs past the trace, so it is still busy when tracing stops. */
    private static final long GRACE_S = 2;

    /** How the CLI launches it: this JVM's java, this jar, this class; it ends by itself after {@code duration}. */
    static List<String> command(java.time.Duration duration) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath;
        try {
            classPath = Path.of(DemoWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | SecurityException e) {
            classPath = System.getProperty("java.class.path");
        }
        return List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", classPath, DemoWorkload.class.getName(),
                Long.toString(duration.toSeconds() + GRACE_S));
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread echo = daemon("demo-echo", () -> echo(server));
        Thread disk = daemon("demo-disk", DemoWorkload::appendAndSync);
        Thread sleeper = daemon("demo-sleep", DemoWorkload::sleepVaried);
        Thread proc = daemon("demo-proc", DemoWorkload::readProc);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            byte[] message = new byte[64];
            while (System.nanoTime() < end) {
                out.write(message);
                in.readNBytes(message, 0, message.length);
                Thread.sleep(0, 200_000);
            }
        }
        for (Thread t : List.of(echo, disk, sleeper, proc)) {
            t.interrupt();
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException stopped) {
                // The workload ends with the process.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void echo(ServerSocket server) {
        try (Socket peer = server.accept()) {
            InputStream in = peer.getInputStream();
            OutputStream out = peer.getOutputStream();
            byte[] buffer = new byte[64];
            while (in.readNBytes(buffer, 0, buffer.length) == buffer.length) {
                out.write(buffer);
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static void appendAndSync() {
        try {
            Path file = Files.createTempFile("mlp-demo", ".log");
            file.toFile().deleteOnExit();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer line = ByteBuffer.allocate(4096);
                while (!Thread.currentThread().isInterrupted()) {
                    line.clear();
                    channel.write(line);
                    channel.force(false);
                    Thread.sleep(20);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | InterruptedException e) {
            // Stopped.
        }
    }

    private static void sleepVaried() {
        try {
            while (true) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 21));
            }
        } catch (InterruptedException e) {
            // Stopped.
        }
    }

    private static void readProc() {
        try {
            while (true) {
                Files.readAllBytes(Path.of("/proc/self/stat"));
                Thread.sleep(1);
            }
        } catch (IOException | InterruptedException e) {
            // Stopped.
        }
    }
}
