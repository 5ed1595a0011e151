package dev.mcpprobe.bench.mcp.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** scripts/run_mcp_benchmark.sh end to end: servers, real probe, stress test, report files. */
class McpBenchmarkScriptIT {
    private static final Path SCRIPT = Path.of(System.getProperty("mcp.scripts.dir", "../../scripts"), "run_mcp_benchmark.sh");

    @BeforeAll
    static void needsRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
        if (!root) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("the MCP benchmark loads the BPF probe and needs root; CI must run it");
            }
            Assumptions.abort("needs root to load the BPF probe");
        }
    }

    record Run(int status, String out, String err) {}

    private static Run script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().remove("SUDO_USER"); // no user units to find here: the reference servers are started
        Path err = Files.createTempFile("mcp-benchmark", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("run_mcp_benchmark.sh did not finish");
        }
        String errText = Files.readString(err);
        Files.delete(err);
        return new Run(p.exitValue(), out, errText);
    }

    @Test
    void fiveSecondsAtConcurrencyFourWritesAReportOnTheServers(@TempDir Path reports) throws Exception {
        Run run = script(Map.of("MCP_REPORT_DIR", reports.toString(),
                "PROBE_JAR", System.getProperty("probeDemoJar"),
                "MCP_SERVERS_JAR", System.getProperty("mcpServersJar"),
                "MCP_STRESS_JAR", System.getProperty("mcpStressJar")), "5", "4");
        assertEquals(0, run.status(), run.err());
        Path txt = Path.of(run.out().strip());
        assertTrue(txt.getFileName().toString().matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.txt"), run.out());
        Path json = txt.resolveSibling(txt.getFileName().toString().replace(".txt", ".json"));
        try (Stream<Path> files = Files.list(reports)) {
            assertEquals(Set.of(txt, json), new HashSet<>(files.toList()));
        }

        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        Set<Integer> serverPids = new HashSet<>();
        report.get("servers").forEach(s -> serverPids.add(s.get("pid").asInt()));
        assertEquals(2, serverPids.size(), "thinking and memory");
        JsonNode probe = report.get("probe");
        assertTrue(probe.get("total_calls").asLong() > 0, "syscalls traced");
        Set<Integer> traced = new HashSet<>();
        probe.get("processes").forEach(p -> traced.add(p.get("tgid").asInt()));
        assertEquals(serverPids, traced, "the probe traced exactly the servers");
        assertTrue(List.of("EXCELLENT", "GOOD", "PROBLEMATIC").contains(report.get("verdict").asString()), report.get("verdict").toString());
        assertTrue(report.get("client").get("requests").get("total").asLong() > 0, "the stress test ran");

        String text = Files.readString(txt);
        assertTrue(text.contains("========== MCP Latency Report (whole run"), text);
        assertTrue(text.contains("Syscall Latency Distribution (microseconds):"), text);
        assertTrue(text.contains("Events dropped: "), text);
        assertTrue(text.contains("Verdict (P99 of the calls that are not blocking waits): " + report.get("verdict").asString()), text);
        for (int pid : serverPids) {
            assertTrue(text.contains("PID " + pid), "a section per server: " + pid);
        }
    }

    @Test
    void badArgumentsGetUsageAndStatusTwo() throws Exception {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("60"), List.of("x", "4"), List.of("0", "4"), List.of("5", "0"),
                List.of("5", "-1"), List.of("5", "4", "extra"))) {
            Run run = script(Map.of(), args.toArray(String[]::new));
            assertEquals(2, run.status(), args + ": " + run.err());
            assertTrue(run.err().contains("usage: sudo bash scripts/run_mcp_benchmark.sh"), args + ": " + run.err());
        }
    }
}
