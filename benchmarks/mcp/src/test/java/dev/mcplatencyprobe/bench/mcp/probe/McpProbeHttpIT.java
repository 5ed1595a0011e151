package dev.mcplatencyprobe.bench.mcp.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * probe-demo.jar --mcp against the project's reference servers over Streamable HTTP, loaded by the
 * stress test with several connections: per tool, the probe counts what the stress test sent, and
 * the server-side P50 stays below the client-side P50.
 */
class McpProbeHttpIT {
    private static final Path PROBE = Path.of(System.getProperty("probeDemoJar", "../../java/target/probe-demo.jar"));
    private static final Path SERVERS = Path.of(System.getProperty("mcpServersJar", "target/mcp-servers.jar"));
    private static final Path STRESS = Path.of(System.getProperty("mcpStressJar", "target/mcp-stress.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path tmp;

    @Test
    void theReferenceServersOverStreamableHttpAreCountedPerTool() throws Exception {
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim())) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("the --mcp HTTP test loads the BPF probe and needs root; CI must run it");
            }
            Assumptions.abort("needs root to load the BPF probe");
        }
        List<Process> started = new ArrayList<>();
        try {
            Process thinking = server(started, "thinking");
            Process memory = server(started, "memory");
            int thinkingPort = port("thinking");
            int memoryPort = port("memory");
            Path probeJson = tmp.resolve("probe.json");
            Process probe = new ProcessBuilder(JAVA, "-jar", PROBE.toString(), "--mcp", "--format", "json", "--duration", "30s",
                    "--pid", thinking.pid() + "," + memory.pid())
                    .redirectOutput(probeJson.toFile()).redirectError(tmp.resolve("probe.err").toFile()).start();
            started.add(probe);
            waitFor(tmp.resolve("probe.err"), "Tracing");
            Path stressJson = tmp.resolve("stress.json");
            Process stress = new ProcessBuilder(JAVA, "-jar", STRESS.toString(),
                    "--url", "http://127.0.0.1:" + thinkingPort + "/mcp", "--url", "http://127.0.0.1:" + memoryPort + "/mcp",
                    "--duration", "8", "--concurrency", "6", "--warmup", "0", "--mix", "call=90,list=5,ping=5",
                    "--quiet", "--json", stressJson.toString())
                    .redirectOutput(tmp.resolve("stress.txt").toFile()).redirectErrorStream(true).start();
            started.add(stress);
            assertTrue(stress.waitFor(120, TimeUnit.SECONDS), "the stress test ends");
            assertEquals(0, stress.exitValue(), () -> read(tmp.resolve("stress.txt")));
            probe.destroy(); // SIGTERM: the final report
            assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe stops");

            ObjectMapper json = new ObjectMapper();
            JsonNode client = json.readTree(stressJson.toFile());
            JsonNode mcp = json.readTree(Files.readAllLines(probeJson).stream().filter(l -> l.contains("\"final\":true"))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(read(tmp.resolve("probe.err"))))).get("mcp");
            Map<String, JsonNode> probeRows = new HashMap<>();
            for (JsonNode m : mcp.get("methods")) {
                probeRows.put(m.get("method").asString() + (m.get("tool").isNull() ? "" : " " + m.get("tool").asString()), m);
            }
            Map<String, long[]> clientTools = new HashMap<>(); // label -> count, p50 ns (max over the two servers)
            for (JsonNode row : client.get("rows")) {
                String label = row.get("method").asString();
                if (label.startsWith("tools/call ")) {
                    long[] c = clientTools.computeIfAbsent(label, k -> new long[2]);
                    c[0] += row.get("count").asLong();
                    c[1] = Math.max(c[1], (long) (row.get("latency_ms").get("p50").asDouble() * 1e6));
                }
            }
            assertEquals(3, clientTools.size(), "think, remember, recall: " + clientTools.keySet());
            StringBuilder table = new StringBuilder();
            for (Map.Entry<String, long[]> e : clientTools.entrySet()) {
                JsonNode row = probeRows.get(e.getKey());
                assertTrue(row != null, "the probe saw " + e.getKey() + ": " + probeRows.keySet());
                table.append(String.format("%-22s client %5d P50 %10dns | probe %5d P50 %10dns%n", e.getKey(),
                        e.getValue()[0], e.getValue()[1], row.get("count").asLong(), row.get("p50_ns").asLong()));
                assertEquals(e.getValue()[0], row.get("count").asLong() + row.get("in_flight").asLong(), e.getKey());
                assertTrue(row.get("p50_ns").asLong() < e.getValue()[1], e.getKey() + ": server-side P50 below the client's");
            }
            assertEquals(0, mcp.get("totals").get("unpaired_responses").asLong());
            assertEquals(0, mcp.get("totals").get("payload_dropped").asLong());
            System.out.print("reference servers over Streamable HTTP:\n" + table);
        } finally {
            for (Process p : started) {
                p.destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Process server(List<Process> started, String name) throws IOException {
        Process p = new ProcessBuilder(JAVA, "-jar", SERVERS.toString(), name, "--transport", "http", "--port", "0",
                "--port-file", tmp.resolve(name + ".port").toString(), "--state-dir", tmp.resolve(name).toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve(name + ".err").toFile()).start();
        started.add(p);
        return p;
    }

    private int port(String name) throws Exception {
        Path file = tmp.resolve(name + ".port");
        for (int i = 0; i < 600 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
            Thread.sleep(100);
        }
        return Integer.parseInt(Files.readString(file).trim());
    }

    private static void waitFor(Path file, String text) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in " + read(file));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
