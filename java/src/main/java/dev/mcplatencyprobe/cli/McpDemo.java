package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.targets.InvokingUser;
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
    /** Who the servers and the load run as (the sudo user); null: as this process. */
    private final InvokingUser as;
    private final List<Process> servers = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private Process load;

    private McpDemo(Path jars, InvokingUser as) throws IOException {
        this.jars = jars;
        this.as = as;
        this.work = Files.createTempDirectory("mlp-mcp-demo"); // 0700
        if (as != null) {
            as.own(work); // the servers write their port files and state here
        }
    }

    /** Where the jars are installed by scripts/install-systemd.sh. */
    static final Path INSTALLED = Path.of("/opt/mcp-latency-probe");

    /**
     * Where mcp-servers.jar and mcp-stress.jar are: next to this jar ('make' puts them next to
     * ./probe-demo.jar), or installed. Never the working directory: run as root from someone else's
     * checkout, the probe would execute their jars.
     */
    static Optional<Path> findJars() {
        List<Path> candidates = new ArrayList<>();
        try {
            Path self = Path.of(McpDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
            candidates.add(self);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // Not from a jar file: only the installed location is looked at.
        }
        candidates.add(INSTALLED);
        return candidates.stream()
                .filter(dir -> Files.isRegularFile(dir.resolve(SERVERS_JAR)) && Files.isRegularFile(dir.resolve(STRESS_JAR)))
                .map(Path::normalize)
                .findFirst();
    }

    /** Starts both servers and waits until they listen; the probe is attached to {@link #pids()} next. */
    static McpDemo start(Path jars, InvokingUser as) throws IOException, InterruptedException {
        McpDemo demo = new McpDemo(jars, as);
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
        List<String> cmd = asUser(List.of(java(), "-jar", jars.resolve(STRESS_JAR).toString(),
                "--duration", duration.toMillis() + "ms", "--concurrency", Integer.toString(CONCURRENCY), "--quiet"));
        urls.forEach(u -> cmd.addAll(List.of("--url", u)));
        load = environment(new ProcessBuilder(cmd)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve("stress.log").toFile()).start();
    }

    private void startServer(String name) throws IOException {
        Path state = Files.createDirectory(work.resolve("state-" + name));
        if (as != null) {
            as.own(state);
        }
        servers.add(environment(new ProcessBuilder(asUser(List.of(java(), "-XX:+ExitOnOutOfMemoryError", "-jar",
                jars.resolve(SERVERS_JAR).toString(), name, "--transport", "http", "--port", "0",
                "--port-file", work.resolve(name + ".port").toString(), "--state-dir", state.toString()))))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve(name + ".log").toFile())
                .start());
    }

    /** {@code command}, started as the invoking user when there is one. */
    private List<String> asUser(List<String> command) {
        List<String> full = new ArrayList<>(as != null ? as.commandPrefix() : List.of());
        full.addAll(command);
        return full;
    }

    private ProcessBuilder environment(ProcessBuilder builder) {
        if (as != null) {
            as.applyEnvironment(builder.environment());
        }
        return builder;
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
