package dev.mcpprobe.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The demo when the reference MCP servers are built (benchmarks/mcp): both servers over HTTP,
 * traced by PID, under a light load from the stress test, which itself is not traced.
 * Stops everything it started on {@link #close()}.
 */
final class McpDemo implements AutoCloseable {
    static final String SERVERS_JAR = "mcp-servers.jar";
    static final String STRESS_JAR = "mcp-stress.jar";
    private static final List<String> SERVERS = List.of("thinking", "memory");
    private static final long START_TIMEOUT_MS = 60_000;
    private static final int CONCURRENCY = 4;

    private final Path jars;
    private final Path work;
    private final List<Process> servers = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private Process load;

    private McpDemo(Path jars) throws IOException {
        this.jars = jars;
        this.work = Files.createTempDirectory("mlp-mcp-demo");
    }

    /** Where mcp-servers.jar and mcp-stress.jar are: next to this jar, or in the build tree around it. */
    static Optional<Path> findJars() {
        List<Path> candidates = new ArrayList<>();
        try {
            Path self = Path.of(McpDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
            candidates.add(self);
            candidates.add(self.resolve("benchmarks/mcp/target"));
            candidates.add(self.resolve("../../benchmarks/mcp/target")); // java/target/probe-demo.jar
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // Not from a jar file: only the working directory is looked at.
        }
        candidates.add(Path.of("benchmarks/mcp/target"));
        return candidates.stream()
                .filter(dir -> Files.isRegularFile(dir.resolve(SERVERS_JAR)) && Files.isRegularFile(dir.resolve(STRESS_JAR)))
                .map(Path::normalize)
                .findFirst();
    }

    /** Starts both servers and waits until they listen; the probe is attached to {@link #pids()} next. */
    static McpDemo start(Path jars) throws IOException, InterruptedException {
        McpDemo demo = new McpDemo(jars);
        try {
            for (String name : SERVERS) {
                demo.startServer(name);
            }
            for (int i = 0; i < SERVERS.size(); i++) {
                demo.urls.add("http://127.0.0.1:" + demo.awaitPort(SERVERS.get(i), demo.servers.get(i)) + "/mcp");
            }
            return demo;
        } catch (IOException | InterruptedException | RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    List<Long> pids() {
        return servers.stream().map(Process::pid).toList();
    }

    String description() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < SERVERS.size(); i++) {
            parts.add(SERVERS.get(i) + " (PID " + servers.get(i).pid() + ", " + urls.get(i) + ")");
        }
        return "the reference MCP servers " + String.join(" and ", parts) + ", under " + CONCURRENCY + " clients";
    }

    /** Sends load for {@code duration}; the probe is attached by now. */
    void startLoad(Duration duration) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jars.resolve(STRESS_JAR).toString(),
                "--duration", duration.toMillis() + "ms", "--concurrency", Integer.toString(CONCURRENCY), "--quiet"));
        urls.forEach(u -> cmd.addAll(List.of("--url", u)));
        load = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve("stress.log").toFile()).start();
    }

    private void startServer(String name) throws IOException {
        Path state = Files.createDirectories(work.resolve("state-" + name));
        servers.add(new ProcessBuilder(java(), "-XX:+ExitOnOutOfMemoryError", "-jar", jars.resolve(SERVERS_JAR).toString(),
                name, "--transport", "http", "--port", "0", "--port-file", work.resolve(name + ".port").toString(),
                "--state-dir", state.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve(name + ".log").toFile())
                .start());
    }

    private int awaitPort(String name, Process server) throws IOException, InterruptedException {
        Path portFile = work.resolve(name + ".port");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(portFile) && !Files.readString(portFile).isBlank()) {
                return Integer.parseInt(Files.readString(portFile).strip());
            }
            if (!server.isAlive()) {
                throw new IOException("the " + name + " MCP server did not start: " + lastLine(work.resolve(name + ".log")));
            }
            Thread.sleep(20);
        }
        throw new IOException("the " + name + " MCP server did not listen within " + START_TIMEOUT_MS / 1000 + " s");
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(servers);
        if (load != null) {
            all.add(load);
        }
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
