package dev.mcplatencyprobe.mcp;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sequential stdio MCP server for the syscall-share test. Its one tool, {@code work}, makes
 * {@code fsyncs} one-byte writes each followed by fsync, then spins on the CPU for {@code cpu_us}
 * without a syscall (System.nanoTime is a vDSO call), and answers with how long each part took by
 * its own clock: {@code io_ns} and {@code total_ns} (from the request read to the answer).
 */
public final class FsyncToolServer {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern FSYNCS = Pattern.compile("\"fsyncs\":(\\d+)");
    private static final Pattern CPU = Pattern.compile("\"cpu_us\":(\\d+)");

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        FileOutputStream out = new FileOutputStream(FileDescriptor.out); // unbuffered: one write per answer
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        long sink = 0;
        try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (String line; (line = in.readLine()) != null; ) {
                long start = System.nanoTime();
                Matcher id = ID.matcher(line);
                if (!id.find()) {
                    continue; // a notification
                }
                long io = 0;
                if (line.contains("\"tools/call\"")) {
                    Matcher n = FSYNCS.matcher(line);
                    Matcher cpu = CPU.matcher(line);
                    int fsyncs = n.find() ? Integer.parseInt(n.group(1)) : 0;
                    long cpuNs = cpu.find() ? Long.parseLong(cpu.group(1)) * 1000 : 0;
                    for (int i = 0; i < fsyncs; i++) {
                        long t = System.nanoTime();
                        one.clear();
                        file.write(one);
                        file.force(false);
                        io += System.nanoTime() - t;
                    }
                    long spinStart = System.nanoTime();
                    while (System.nanoTime() - spinStart < cpuNs) {
                        sink += spinStart * 31 + sink % 7;
                    }
                }
                long total = System.nanoTime() - start;
                String answer = "{\"result\":{\"io_ns\":" + io + ",\"total_ns\":" + total + ",\"x\":" + (sink & 1)
                        + "},\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + "}\n";
                out.write(answer.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
