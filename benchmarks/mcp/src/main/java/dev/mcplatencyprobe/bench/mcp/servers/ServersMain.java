package dev.mcplatencyprobe.bench.mcp.servers;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code java -jar mcp-servers.jar thinking|memory [options]}: runs one reference MCP server until
 * its stdin ends (stdio) or it is stopped (HTTP: SIGTERM, as systemd does).
 */
public final class ServersMain {
    /** Held so the JUL configuration below is not garbage-collected away. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private static final String INPUT_VALIDATOR_LOG = "org.slf4j.simpleLogger.log.io.modelcontextprotocol.util.ToolInputValidator";

    private ServersMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream err) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            // On stdio, stdout is the protocol channel; help is only printed when asked for, so it is safe.
            System.out.print(ServerOptions.USAGE);
            return 0;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, env);
        } catch (UsageException e) {
            err.println("mcp-servers: " + e.getMessage());
            return UsageException.EXIT_USAGE;
        }
        quietLogging();
        try {
            return serve(options, err);
        } catch (IOException | RuntimeException e) {
            err.println("mcp-servers: " + options.kind().id() + ": " + oneLine(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int serve(ServerOptions options, PrintStream err) throws IOException, InterruptedException {
        ReferenceServer server;
        if (options.transport() == ServerOptions.Transport.STDIO) {
            // The raw descriptors go to the transport; anything else printing to System.out lands on
            // stderr, so stdout carries nothing but protocol messages.
            System.setOut(err);
            server = ReferenceServer.startStdio(options,
                    new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            err.println("mcp-servers: " + options.kind().id() + " on stdio (pid " + ProcessHandle.current().pid() + ")");
        } else {
            server = ReferenceServer.startHttp(options);
            err.println("mcp-servers: " + options.kind().id() + " on http://" + hostForUrl(options.bindAddress())
                    + ":" + server.port() + ReferenceServer.MCP_PATH + " (pid " + ProcessHandle.current().pid() + ")");
            if (options.portFile().isPresent()) {
                writeAtomically(options.portFile().get(), server.port() + "\n");
            }
        }
        ReferenceServer running = server;
        Thread hook = new Thread(running::close, "mcp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        running.awaitStop();
        running.close();
        return 0;
    }

    /** The port file appears whole or not at all: a script polling for it never reads half a number. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".port", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hostForUrl(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    /** Warnings only, on stderr: the SDK's slf4j (slf4j-simple) and Tomcat's java.util.logging. */
    private static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // The SDK logs every rejected tool input at WARN; the caller already gets it as an error result,
        // and a stress test's deliberate bad calls would otherwise flood the journal.
        if (System.getProperty(INPUT_VALIDATOR_LOG) == null) {
            System.setProperty(INPUT_VALIDATOR_LOG, "error");
        }
        TOMCAT_LOG.setLevel(Level.WARNING);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }
}
