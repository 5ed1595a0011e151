package dev.mcplatencyprobe.bench.mcp.script;

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

    /**
     * The user's own servers: one over stdio (spawned by the stress test, followed by the probe
     * through the script's cgroup) and one by URL (followed through the PID listening on its port).
     */
    @Test
    void usersOwnStdioAndUrlServersAreDrivenAndTracedAlone(@TempDir Path reports, @TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = System.getProperty("mcpServersJar");
        Path portFile = tmp.resolve("port");
        Process http = new ProcessBuilder(java, "-jar", jar, "memory", "--transport", "http", "--port", "0",
                "--port-file", portFile.toString(), "--state-dir", tmp.resolve("m").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("http.log").toFile()).start();
        try {
            for (int i = 0; i < 600 && (!Files.exists(portFile) || Files.size(portFile) == 0); i++) {
                Thread.sleep(100);
            }
            String url = "http://127.0.0.1:" + Files.readString(portFile).strip() + "/mcp";
            String stdio = "MCP_THINK_ROUNDS=100 " + java + " -jar " + jar + " thinking --state-dir " + tmp.resolve("t");
            Run run = script(Map.of("MCP_REPORT_DIR", reports.toString(),
                    "PROBE_JAR", System.getProperty("probeDemoJar"),
                    "MCP_SERVERS_JAR", System.getProperty("mcpServersJar"),
                    "MCP_STRESS_JAR", System.getProperty("mcpStressJar")), "4", "4", "--stdio", stdio, "--url", url);
            assertEquals(0, run.status(), run.err());
            Path txt = Path.of(run.out().strip());
            JsonNode report = new ObjectMapper().readTree(Files.readString(txt.resolveSibling(txt.getFileName().toString().replace(".txt", ".json"))));
            assertEquals("servers given on the command line", report.get("source").asString());
            Set<Long> traced = new HashSet<>();
            report.get("probe").get("processes").forEach(p -> traced.add(p.get("tgid").asLong()));
            assertTrue(traced.contains(http.pid()), "the URL's server traced: " + traced);
            assertEquals(2, traced.size(), "the two servers and nothing else (not the stress test): " + traced);
            Set<String> names = new HashSet<>();
            report.get("client").get("targets").forEach(t -> names.add(t.get("name").asString()));
            assertEquals(Set.of("thinking", "memory"), names);
            try (Stream<Path> cgroups = Stream.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified")).filter(Files::isDirectory)
                    .flatMap(d -> { try { return Files.list(d); } catch (IOException e) { return Stream.empty(); } })) {
                assertTrue(cgroups.noneMatch(d -> d.getFileName().toString().startsWith("mcp-benchmark-")), "the script's cgroup is gone");
            }
        } finally {
            http.destroy();
            http.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badServerOptionsGetStatusTwo() throws Exception {
        for (List<String> args : List.<List<String>>of(List.of("5", "4", "--url", "https://127.0.0.1:1/mcp"),
                List.of("5", "4", "--url", "http://example.com:80/mcp"), List.of("5", "4", "--stdio"),
                List.of("5", "4", "--calls", "/nonexistent/calls.json"), List.of("5", "4", "--unit", ""))) {
            Run run = script(Map.of(), args.toArray(String[]::new));
            assertEquals(2, run.status(), args + ": " + run.err());
            assertEquals(1, run.err().lines().filter(l -> !l.startsWith("usage:")).count(), args + ": " + run.err());
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
