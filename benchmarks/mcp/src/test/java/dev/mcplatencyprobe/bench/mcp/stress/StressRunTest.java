package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.servers.ReferenceServer;
import dev.mcplatencyprobe.bench.mcp.servers.ServerKind;
import dev.mcplatencyprobe.bench.mcp.servers.ServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short real runs of the stress test against the reference servers: they must finish with no
 * unexpected error and with counts that add up. Two seconds each; no performance is claimed here.
 */
class StressRunTest {
    /** Enough bad calls and new sessions to see them in a two-second run. */
    private static final String BUSY_MIX = "call=70,list=5,ping=5,bad=10,session=10";

    @TempDir
    static Path shared;

    private static ReferenceServer thinking;
    private static ReferenceServer memory;

    @BeforeAll
    static void startHttpServers() throws Exception {
        thinking = ReferenceServer.startHttp(new ServerOptions(ServerKind.THINKING, ServerOptions.Transport.HTTP, "127.0.0.1", 0,
                shared.resolve("thinking"), Optional.empty(), 100));
        memory = ReferenceServer.startHttp(new ServerOptions(ServerKind.MEMORY, ServerOptions.Transport.HTTP, "127.0.0.1", 0,
                shared.resolve("memory"), Optional.empty(), 100));
    }

    @AfterAll
    static void stopHttpServers() {
        thinking.close();
        memory.close();
    }

    private static String url(ReferenceServer s) {
        return "http://127.0.0.1:" + s.port() + ReferenceServer.MCP_PATH;
    }

    private record Run(int exit, String out, String err, JsonNode json) {
    }

    private static Run run(Path json, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--json";
        all[args.length + 1] = json.toString();
        int exit = StressMain.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        JsonNode report = Files.exists(json) ? JsonRpc.MAPPER.readTree(json.toFile()) : null;
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), report);
    }

    /** Every way of counting the same requests gives the same number, and nothing unexpected happened. */
    private static void assertCountsAddUp(Run r) {
        JsonNode j = r.json();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(0, j.get("unexpected_errors").get("total").asLong(), j.get("unexpected_errors").toString());

        long total = j.get("requests").get("total").asLong();
        assertTrue(total > 0);
        assertEquals(total, j.get("overall").get("count").asLong());
        long rowSum = 0;
        long badSum = 0;
        Map<String, Long> perServer = new HashMap<>();
        for (JsonNode row : j.get("rows")) {
            long count = row.get("count").asLong();
            long outcomes = 0;
            for (JsonNode n : row.get("outcomes")) {
                outcomes += n.asLong();
            }
            assertEquals(count, outcomes, "outcomes of " + row);
            rowSum += count;
            perServer.merge(row.get("server").asString(), count, Long::sum);
            if (row.get("method").asString().startsWith("bad: ")) {
                badSum += count;
                assertEquals(0, row.get("outcomes").get("ok").asLong(), "a bad call never counts as ok: " + row);
            }
        }
        assertEquals(total, rowSum, "sum of per-method counts");
        for (JsonNode server : j.get("servers")) {
            assertEquals(server.get("count").asLong(), perServer.get(server.get("server").asString()), "rows of " + server);
        }
        JsonNode bad = j.get("expected_bad_calls");
        assertEquals(badSum, bad.get("sent").asLong());
        assertEquals(bad.get("sent").asLong(), bad.get("rejected_as_jsonrpc_error").asLong() + bad.get("rejected_as_tool_error").asLong()
                + bad.get("accepted").asLong() + bad.get("failed").asLong());
        assertTrue(r.out().contains("(all)     (all)"), r.out());
    }

    @Test
    void closedLoopAgainstBothHttpServersCountsAddUp(@TempDir Path tmp) throws Exception {
        Run r = run(tmp.resolve("r.json"), "--url", url(thinking), "--url", url(memory), "--duration", "2s",
                "--concurrency", "6", "--mix", BUSY_MIX, "--seed", "7", "--progress", "500ms");
        assertCountsAddUp(r);
        JsonNode j = r.json();
        assertEquals("closed", j.get("mode").asString());
        assertTrue(j.get("expected_bad_calls").get("sent").asLong() > 0, "bad calls were sent");
        assertTrue(j.get("sessions").get("opened").asLong() > 0, "new sessions were opened during the run");
        assertEquals("thinking", j.get("targets").get(0).get("name").asString());
        assertEquals("memory", j.get("targets").get(1).get("name").asString());
        assertTrue(j.get("cpu").get("load_generator_s").asDouble() > 0);
        assertTrue(r.err().contains("req/s"), "progress on stderr: " + r.err());
    }

    @Test
    void openLoopSendsOnScheduleAndCountsAddUp(@TempDir Path tmp) throws Exception {
        Run r = run(tmp.resolve("r.json"), "--url", url(thinking), "--duration", "2s", "--rate", "150",
                "--concurrency", "3", "--mix", BUSY_MIX, "--seed", "3", "--quiet");
        assertCountsAddUp(r);
        JsonNode j = r.json();
        assertEquals("open", j.get("mode").asString());
        long total = j.get("requests").get("total").asLong();
        // 300 arrivals; a new-session arrival makes two requests (initialize, tools/list).
        assertTrue(total >= 270 && total <= 360, "requests for 300 arrivals: " + total);
        assertEquals("", r.err(), "--quiet prints nothing on stderr");
    }

    @ParameterizedTest
    @ValueSource(strings = {"thinking", "memory"})
    void stdioServerSpawnedByCommandCountsAddUpAndIsStoppedAfter(String kind, @TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = quote(java) + " -cp " + quote(System.getProperty("java.class.path"))
                + " dev.mcplatencyprobe.bench.mcp.servers.ServersMain " + kind + " --think-rounds 100 --state-dir " + quote(tmp.resolve("state").toString());
        Run r = run(tmp.resolve("r.json"), "--stdio", command, "--duration", "2s", "--concurrency", "4", "--mix", BUSY_MIX, "--quiet");
        assertCountsAddUp(r);
        JsonNode target = r.json().get("targets").get(0);
        assertEquals(kind, target.get("name").asString());
        assertEquals("stdio", target.get("transport").asString());
        assertEquals(0, r.json().get("sessions").get("opened").asLong(), "over stdio the process is the only session");
        long pid = target.get("pids").get(0).asLong();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the spawned server is gone");
        assertTrue(target.get("cpu_s").asDouble() > 0, "server CPU measured from /proc");
    }

    @Test
    void badUsageIsOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
        Run r = run(tmp.resolve("r.json"), "--url", url(thinking), "--duration", "soon");
        assertEquals(2, r.exit());
        assertEquals("mcp-stress: --duration: 'soon' is not a duration (e.g. 30, 30s, 500ms, 2m)\n", r.err());
        Run tls = run(tmp.resolve("r.json"), "--url", "https://127.0.0.1:1/mcp");
        assertEquals(2, tls.exit());
        assertTrue(tls.err().contains("https is not supported"), tls.err());
        Run none = run(tmp.resolve("r.json"), "--duration", "1");
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("mcp-stress: no target"), none.err());
    }

    @Test
    void unreachableServerIsOneLineAndExitOne(@TempDir Path tmp) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run r = run(tmp.resolve("r.json"), "--url", "http://127.0.0.1:" + closedPort + "/mcp", "--duration", "1", "--timeout", "2s");
        assertEquals(1, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("initialize failed"), r.err());
        assertFalse(r.err().contains("Exception\n"), r.err());
        assertTrue(r.json() == null, "no report for a run that did not happen");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
