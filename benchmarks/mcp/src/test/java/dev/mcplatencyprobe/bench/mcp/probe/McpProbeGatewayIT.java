package dev.mcplatencyprobe.bench.mcp.probe;

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
 * And the official TypeScript SDK's own Streamable HTTP transport answering with plain JSON bodies
 * (src/test/resources/json-response-server.mjs), the other shape of a Streamable HTTP answer.
 */
class McpProbeGatewayIT {
    private static final Path PROBE = Path.of(System.getProperty("probeDemoJar", "../../java/target/probe-demo.jar"));
    private static final Path STRESS = Path.of(System.getProperty("mcpStressJar", "target/mcp-stress.jar"));
    private static final Path NODE_MODULES = Path.of(System.getProperty("mcp.testTools.dir", "../../target/test-tools"))
            .resolve("mcp-servers/node_modules").toAbsolutePath().normalize();
    private static final Path CALLS = Path.of("calls/memory.json").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /**
     * Run by the probe as its command: a server in the background (the arguments after the sixth),
     * then the stress test against it. In a network namespace of its own when ip can bring its
     * loopback up (supergateway binds every address: it has no bind option).
     * Arguments: netns|host PORT SERVER_LOG JAVA STRESS_JAR "STRESS_ARGS" SERVER...
     */
    private static final String DRIVER = """
            if [ "$1" = netns ]; then ip link set lo up || exit 91; fi
            port=$2 log=$3 java=$4 stress=$5 stress_args=$6
            shift 6
            "$@" >"$log" 2>&1 &
            server=$!
            up=no
            for _ in $(seq 200); do
                if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=yes; break; fi
                kill -0 "$server" 2>/dev/null || break
                sleep 0.1
            done
            if [ "$up" = no ]; then echo "the server did not listen on $port" >&2; kill "$server" 2>/dev/null; exit 90; fi
            # shellcheck disable=SC2086
            "$java" -jar "$stress" --url "http://127.0.0.1:$port/mcp" --duration 6 --concurrency 4 --quiet $stress_args
            rc=$?
            kill "$server"; wait "$server"
            exit $rc
            """;

    @TempDir
    Path tmp;

    @Test
    void theOfficialMemoryServerBehindSupergatewayIsCountedOncePerTool() throws Exception {
        require();
        Path gateway = NODE_MODULES.resolve("supergateway/dist/index.js");
        Path memory = NODE_MODULES.resolve("@modelcontextprotocol/server-memory/dist/index.js");
        Result r = run("--calls " + CALLS + " --mix call=90,list=5,ping=5", "node", gateway.toString(),
                "--stdio", "node " + memory, "--outputTransport", "streamableHttp", "--stateful", "--port", "PORT",
                "--streamableHttpPath", "/mcp", "--logLevel", "none");
        Map<String, long[]> clientTools = compare(r, 4);
        JsonNode totals = r.mcp().get("totals");
        assertTrue(totals.get("forwarded").asLong() >= clientTools.values().stream().mapToLong(c -> c[0]).sum(),
                "the gateway passed every tool call on: " + totals);
    }

    @Test
    void theTypeScriptSdkAnsweringPlainJsonIsCountedPerTool() throws Exception {
        require();
        Path server = Path.of("src/test/resources/json-response-server.mjs").toAbsolutePath();
        Result r = run("--mix call=90,list=5,ping=5", "node", server.toString(),
                NODE_MODULES.resolve("@modelcontextprotocol/sdk").toString(), "PORT");
        compare(r, 2);
        assertEquals(0, r.mcp().get("totals").get("forwarded").asLong());
    }

    private record Result(JsonNode client, JsonNode mcp, String label) {}

    /** The probe launches DRIVER with the server command ("PORT" replaced by a free port) and the stress test. */
    private Result run(String stressArgs, String... server) throws Exception {
        boolean netns = commandWorks("unshare", "--net", "ip", "link", "set", "lo", "up");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free here; in a network namespace of its own, free anyway
        }
        Path stressJson = tmp.resolve("stress.json");
        Path probeJson = tmp.resolve("probe.json");
        Path probeErr = tmp.resolve("probe.err");
        Path serverLog = tmp.resolve("server.log");
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", PROBE.toString(), "--mcp", "--format", "json", "--"));
        if (netns) {
            command.addAll(List.of("unshare", "--net"));
        } // else on the host's network: still loopback only, by its URL
        command.addAll(List.of("bash", "-c", DRIVER, "driver", netns ? "netns" : "host", Integer.toString(port),
                serverLog.toString(), JAVA, STRESS.toString(), stressArgs + " --json " + stressJson));
        for (String arg : server) {
            command.add(arg.equals("PORT") ? Integer.toString(port) : arg);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(probeJson.toFile()).redirectError(probeErr.toFile());
        pb.environment().put("MEMORY_FILE_PATH", tmp.resolve("memory.jsonl").toString());
        Process probe = pb.start();
        try {
            assertTrue(probe.waitFor(180, TimeUnit.SECONDS), "the run ends");
            assertEquals(0, probe.exitValue(), () -> read(probeErr) + read(serverLog));
        } finally {
            probe.destroyForcibly();
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode mcp = json.readTree(Files.readAllLines(probeJson).stream().filter(l -> l.contains("\"final\":true"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(read(probeErr)))).get("mcp");
        return new Result(json.readTree(stressJson.toFile()), mcp, netns ? "own network namespace" : "host network");
    }

    /**
     * Per tool: counted once as the stress test sent it (a request it sent as its window closed is in
     * flight at the end, not counted by it: reported as such), server-side P50 below the client's.
     */
    private static Map<String, long[]> compare(Result r, int tools) {
        Map<String, JsonNode> probeRows = new HashMap<>();
        for (JsonNode m : r.mcp().get("methods")) {
            probeRows.put(m.get("method").asString() + (m.get("tool").isNull() ? "" : " " + m.get("tool").asString()), m);
        }
        Map<String, long[]> clientTools = new TreeMap<>(); // label -> count, p50 ns
        for (JsonNode row : r.client().get("rows")) {
            String label = row.get("method").asString();
            if (label.startsWith("tools/call ")) {
                long[] c = clientTools.computeIfAbsent(label, k -> new long[2]);
                c[0] += row.get("count").asLong();
                c[1] = Math.max(c[1], (long) (row.get("latency_ms").get("p50").asDouble() * 1e6));
            }
        }
        assertEquals(tools, clientTools.size(), "the tools called: " + clientTools.keySet());
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, long[]> e : clientTools.entrySet()) {
            JsonNode row = probeRows.get(e.getKey());
            assertTrue(row != null, "the probe saw " + e.getKey() + ": " + probeRows.keySet());
            long count = row.get("count").asLong(), inFlight = row.get("in_flight").asLong();
            table.append(String.format("%-28s client %5d P50 %10dns | probe %5d P50 %10dns in flight %d%n", e.getKey(),
                    e.getValue()[0], e.getValue()[1], count, row.get("p50_ns").asLong(), inFlight));
            assertTrue(count <= e.getValue()[0] && e.getValue()[0] <= count + inFlight,
                    e.getKey() + ": client " + e.getValue()[0] + ", probe " + count + " + " + inFlight + " in flight\n" + table);
            assertTrue(row.get("p50_ns").asLong() < e.getValue()[1], e.getKey() + ": server-side P50 below the client's\n" + table);
        }
        JsonNode totals = r.mcp().get("totals");
        assertEquals(0, totals.get("unpaired_responses").asLong(), totals.toString());
        assertEquals(0, totals.get("payload_dropped").asLong());
        System.out.print("(" + r.label() + "):\n" + table + "totals " + totals + "\n");
        return clientTools;
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
