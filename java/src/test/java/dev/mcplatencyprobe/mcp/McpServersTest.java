package dev.mcplatencyprobe.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcplatencyprobe.probe.RequiresBpf;
import dev.mcplatencyprobe.probe.SyscallProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --mcp against real stdio MCP servers: the official memory server (node) and a server with known syscall work. */
@RequiresBpf
class McpServersTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path MEMORY_SERVER = REPO.resolve(
            "target/test-tools/mcp-servers/node_modules/@modelcontextprotocol/server-memory/dist/index.js");

    @TempDir
    Path tmp;

    /** Traces {@code pid} with --mcp while {@code workload} runs; the snapshot once everything is drained. */
    static McpSnapshot trace(long pid, Workload workload) throws Exception {
        McpTracker tracker = new McpTracker();
        try (SyscallProbe probe = SyscallProbe.builder().pid(pid).mcp(tracker).open()) {
            probe.start((batch, nowNs) -> { });
            workload.run();
            Thread.sleep(300); // the consumer drains every 10 ms
            long[] kernel = probe.payloadCounters();
            probe.close(); // joins the consumer: the tracker is this thread's from here
            assertTrue(probe.consumerFailure().isEmpty(), () -> "consumer failed: " + probe.consumerFailure());
            assertEquals(0, kernel[1], "payload records dropped");
            return tracker.snapshot(kernel[1], kernel[2]);
        }
    }

    interface Workload {
        void run() throws Exception;
    }

    static McpSnapshot.Method row(McpSnapshot s, String label) {
        return s.methods().stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + label + " in " + s.methods()));
    }

    static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "node"))) {
                return Path.of(dir, "node").toString();
            }
        }
        return null;
    }

    static void require(boolean present, String what) {
        if (!present) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(what + " is missing in CI, where this test must run: run scripts/test-deps.sh (make test does)");
            }
            Assumptions.abort(what + " is missing: run scripts/test-deps.sh");
        }
    }

    @Test
    void theOfficialMemoryServerOverStdioIsCountedPerMethodAndTool() throws Exception {
        String node = node();
        require(node != null, "node");
        require(Files.exists(MEMORY_SERVER), MEMORY_SERVER.toString());
        ProcessBuilder pb = new ProcessBuilder(node, MEMORY_SERVER.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MEMORY_FILE_PATH", tmp.resolve("memory.jsonl").toString());
        Process server = pb.start();
        StdioClient client = new StdioClient(server);
        List<String> report = new ArrayList<>();
        try {
            McpSnapshot s = trace(server.pid(), () -> {
                client.initialize();
                client.call("tools/list", null, null);
                for (int i = 0; i < 40; i++) {
                    client.callTool("create_entities", "{\"entities\":[{\"name\":\"e" + i
                            + "\",\"entityType\":\"thing\",\"observations\":[\"seen " + i + "\"]}]}");
                    client.callTool("add_observations", "{\"observations\":[{\"entityName\":\"e" + i
                            + "\",\"contents\":[\"again " + i + "\"]}]}");
                    client.callTool("search_nodes", "{\"query\":\"e" + i + "\"}");
                    client.callTool("open_nodes", "{\"names\":[\"e" + i + "\"]}");
                    client.call("ping", null, null);
                    if (i % 4 == 0) {
                        client.callTool("read_graph", "{}"); // grows to larger than head + tail
                    }
                }
            });
            for (Map.Entry<String, List<Long>> e : client.latencies().entrySet()) {
                McpSnapshot.Method m = row(s, e.getKey());
                long clientP50 = StdioClient.median(e.getValue());
                report.add(String.format("%-30s client %4d P50 %8dns | probe %4d P50 %8dns in flight %d unpaired %d",
                        e.getKey(), e.getValue().size(), clientP50, m.count(), m.p50Ns(), m.inFlight(), m.unpaired()));
                assertEquals(e.getValue().size(), m.count(), "requests of " + e.getKey());
                assertEquals(0, m.inFlight() + m.unpaired(), e.getKey());
                assertTrue(m.p50Ns() < clientP50, e.getKey() + ": server-side P50 " + m.p50Ns()
                        + " ns is below the client-side P50 " + clientP50 + " ns");
            }
            assertEquals(client.latencies().size(), s.methods().size(), "no other method: " + s.methods());
            assertEquals(1, s.totals().notifications());
            assertEquals(0, s.totals().unpairedResponses());
            assertEquals(0, s.totals().undecodable());
            System.out.println("memory server over stdio:\n  " + String.join("\n  ", report));
        } finally {
            client.close();
        }
    }

    @Test
    void theSyscallShareOfAToolMatchesItsKnownSplit() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path file = Path.of("target").toAbsolutePath().resolve("fsync-tool-" + ProcessHandle.current().pid());
        Process server = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FsyncToolServer.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        StdioClient client = new StdioClient(server);
        Pattern io = Pattern.compile("\"io_ns\":(\\d+),\"total_ns\":(\\d+)");
        long[] known = new long[2];
        try {
            client.call("ping", null, null); // the JVM is up and reading
            for (int i = 0; i < 30; i++) { // warmed up, untraced: interpreted parsing between the read and
                client.callTool("work", "{\"fsyncs\":1,\"cpu_us\":100}"); // the server's clock is not its split
            }
            McpSnapshot s = trace(server.pid(), () -> {
                // The server sat in read() when the probe attached: that read's data is not seen (its
                // buffer was given before tracing began), so the first request is a ping.
                client.call("ping", null, null);
                for (int i = 0; i < 30; i++) {
                    String answer = client.callTool("work", "{\"fsyncs\":10,\"cpu_us\":" + (i % 3 + 1) * 3000 + "}");
                    Matcher m = io.matcher(answer);
                    assertTrue(m.find(), answer);
                    known[0] += Long.parseLong(m.group(1));
                    known[1] += Long.parseLong(m.group(2));
                }
            });
            McpSnapshot.Method work = row(s, "tools/call work");
            double knownShare = (double) known[0] / known[1];
            System.out.printf("fsync tool: known syscall share %.3f, probe %.3f (+ waits %.3f) over %d attributed of %d%n",
                    knownShare, work.syscallShare(), work.waitShare(), work.attributed(), work.count());
            assertEquals(30, work.count());
            assertEquals(30, work.attributed(), "one request at a time on one thread: all attributable");
            assertEquals(knownShare, work.syscallShare() + work.waitShare(), 0.05,
                    "syscall share within 5 points of the server's own measurement");
        } finally {
            client.close();
            Files.deleteIfExists(file);
        }
    }

    @Test
    void anAnswerWrittenByOneGatherWriteIsPairedByTheIdInItsLastTwoBuffers() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), GatherWriteServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        StdioClient client = new StdioClient(server);
        try {
            client.call("ping", null, null); // the JVM is up and reading
            McpSnapshot s = trace(server.pid(), () -> {
                client.call("ping", null, null); // its read began before tracing: not seen
                for (int i = 0; i < 20; i++) {
                    client.callTool("big", "{}");
                }
            });
            assertEquals(20, row(s, "tools/call big").count(), "paired by the id in the tail: " + s.totals());
            assertEquals(0, s.totals().unpairedResponses());
            assertEquals(0, s.totals().undecodable());
        } finally {
            client.close();
        }
    }
}
