package dev.mcpprobe.bench.mcp.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * probe-demo.jar --mcp through the supergateway stdio-to-HTTP gateway (Streamable HTTP, stateful:
 * one official memory server per session, answers as SSE events in chunked HTTP) on loopback, the
 * way the omnimind-mcp@official-* units serve it, loaded by the stress test with several sessions:
 * per tool, the probe counts what the stress test sent once (at the servers behind the gateway; the
 * gateway's passing on is reported as forwarded), and the server-side P50 stays below the client's.
 */
class McpProbeGatewayIT {
    private static final Path PROBE = Path.of(System.getProperty("probeDemoJar", "../../java/target/probe-demo.jar"));
    private static final Path STRESS = Path.of(System.getProperty("mcpStressJar", "target/mcp-stress.jar"));
    private static final Path NODE_MODULES = Path.of(System.getProperty("mcp.testTools.dir", "../../target/test-tools"))
            .resolve("mcp-servers/node_modules").toAbsolutePath().normalize();
    private static final Path CALLS = Path.of("calls/memory.json").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /**
     * Run by the probe as its command: the gateway and its servers, then the stress test against it.
     * In a network namespace of its own when ip can bring its loopback up (the gateway binds every
     * address: it has no bind option).
     */
    private static final String DRIVER = """
            if [ "$1" = netns ]; then ip link set lo up || exit 91; fi
            node "$2" --stdio "node $3" --outputTransport streamableHttp --stateful --port "$4" \\
                --streamableHttpPath /mcp --logLevel none >"$5" 2>&1 &
            gw=$!
            up=no
            for _ in $(seq 200); do
                if (exec 3<>"/dev/tcp/127.0.0.1/$4") 2>/dev/null; then up=yes; break; fi
                kill -0 "$gw" 2>/dev/null || break
                sleep 0.1
            done
            if [ "$up" = no ]; then echo "the gateway did not listen on $4" >&2; kill "$gw" 2>/dev/null; exit 90; fi
            "$6" -jar "$7" --url "http://127.0.0.1:$4/mcp" --calls "$8" --duration 6 --concurrency 4 \\
                --mix call=90,list=5,ping=5 --quiet --json "$9"
            rc=$?
            kill "$gw"; wait "$gw"
            exit $rc
            """;

    @TempDir
    Path tmp;

    @Test
    void theOfficialMemoryServerBehindSupergatewayIsCountedOncePerTool() throws Exception {
        require();
        Path gateway = NODE_MODULES.resolve("supergateway/dist/index.js");
        Path memory = NODE_MODULES.resolve("@modelcontextprotocol/server-memory/dist/index.js");
        boolean netns = commandWorks("unshare", "--net", "ip", "link", "set", "lo", "up");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free here; in a network namespace of its own, free anyway
        }
        Path stressJson = tmp.resolve("stress.json");
        Path probeJson = tmp.resolve("probe.json");
        Path probeErr = tmp.resolve("probe.err");
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", PROBE.toString(), "--mcp", "--format", "json", "--"));
        if (netns) {
            command.addAll(List.of("unshare", "--net"));
        } // else on the host's network: still loopback only, by its URL
        command.addAll(List.of("bash", "-c", DRIVER, "driver", netns ? "netns" : "host", gateway.toString(),
                memory.toString(), Integer.toString(port), tmp.resolve("gateway.log").toString(), JAVA, STRESS.toString(),
                CALLS.toString(), stressJson.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(probeJson.toFile()).redirectError(probeErr.toFile());
        pb.environment().put("MEMORY_FILE_PATH", tmp.resolve("memory.jsonl").toString());
        Process probe = pb.start();
        try {
            assertTrue(probe.waitFor(180, TimeUnit.SECONDS), "the run ends");
            assertEquals(0, probe.exitValue(), () -> read(probeErr) + read(tmp.resolve("gateway.log")));
        } finally {
            probe.destroyForcibly();
        }

        ObjectMapper json = new ObjectMapper();
        JsonNode client = json.readTree(stressJson.toFile());
        JsonNode mcp = json.readTree(Files.readAllLines(probeJson).stream().filter(l -> l.contains("\"final\":true"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(read(probeErr)))).get("mcp");
        Map<String, JsonNode> probeRows = new HashMap<>();
        for (JsonNode m : mcp.get("methods")) {
            probeRows.put(m.get("method").asString() + (m.get("tool").isNull() ? "" : " " + m.get("tool").asString()), m);
        }
        Map<String, long[]> clientTools = new TreeMap<>(); // label -> count, p50 ns
        for (JsonNode row : client.get("rows")) {
            String label = row.get("method").asString();
            if (label.startsWith("tools/call ")) {
                long[] c = clientTools.computeIfAbsent(label, k -> new long[2]);
                c[0] += row.get("count").asLong();
                c[1] = Math.max(c[1], (long) (row.get("latency_ms").get("p50").asDouble() * 1e6));
            }
        }
        assertEquals(4, clientTools.size(), "the cycle's four tools: " + clientTools.keySet());
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, long[]> e : clientTools.entrySet()) {
            JsonNode row = probeRows.get(e.getKey());
            assertTrue(row != null, "the probe saw " + e.getKey() + ": " + probeRows.keySet());
            long count = row.get("count").asLong(), inFlight = row.get("in_flight").asLong();
            table.append(String.format("%-28s client %5d P50 %10dns | probe %5d P50 %10dns in flight %d%n", e.getKey(),
                    e.getValue()[0], e.getValue()[1], count, row.get("p50_ns").asLong(), inFlight));
            // Counted once, not once at the gateway and once at the server; a request the stress test
            // sent as its window closed is in flight at the end, not counted by it: reported as such.
            assertTrue(count <= e.getValue()[0] && e.getValue()[0] <= count + inFlight,
                    e.getKey() + ": client " + e.getValue()[0] + ", probe " + count + " + " + inFlight + " in flight\n" + table);
            assertTrue(row.get("p50_ns").asLong() < e.getValue()[1], e.getKey() + ": server-side P50 below the client's");
        }
        JsonNode totals = mcp.get("totals");
        assertTrue(totals.get("forwarded").asLong() >= clientTools.values().stream().mapToLong(c -> c[0]).sum(),
                "the gateway passed every tool call on: " + totals);
        assertEquals(0, totals.get("unpaired_responses").asLong(), totals.toString());
        assertEquals(0, totals.get("payload_dropped").asLong());
        System.out.print("official memory server behind supergateway (" + (netns ? "own network namespace" : "host network")
                + "):\n" + table + "totals " + totals + "\n");
    }

    private static void require() throws Exception {
        String why = null;
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim())) {
            why = "needs root to load the BPF probe";
        } else if (!Files.isRegularFile(NODE_MODULES.resolve("supergateway/dist/index.js"))
                || !Files.isRegularFile(NODE_MODULES.resolve("@modelcontextprotocol/server-memory/dist/index.js"))) {
            why = "supergateway and server-memory are not installed in " + NODE_MODULES + ": run scripts/test-deps.sh (make test does)";
        } else if (!commandWorks("sh", "-c", "command -v node")) {
            why = "node is not on PATH: install nodejs and npm";
        }
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + "; CI must run this test");
            }
            Assumptions.abort(why);
        }
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
