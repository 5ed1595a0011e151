package dev.mcplatencyprobe.bench.mcp.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What omnimind-mcp@official-*.service would run, run here without systemd: the example env file
 * sourced as systemd reads it, the unit's launcher (systemd/omnimind-mcp-run) started with it, and
 * the stress test driving the gateway + official server over Streamable HTTP on loopback.
 *
 * <p>The gateway binds every address (it has no bind option; the unit's IPAddressDeny= confines it
 * there). Here, as root, the whole run happens in a private network namespace with only loopback,
 * and in a private PID namespace so nothing it starts outlives it.
 */
class GatewayEnvFilesTest {
    private static final Path UNITS = Path.of(System.getProperty("mcp.systemd.dir", "../../systemd")).toAbsolutePath().normalize();
    private static final Path NODE_DIR = Path.of(System.getProperty("mcp.testTools.dir", "../../target/test-tools"))
            .resolve("mcp-servers").toAbsolutePath().normalize();
    private static final Path CALLS = Path.of(System.getProperty("mcp.calls.dir", "calls")).toAbsolutePath();

    /** Sources the env file, runs the launcher in the background, waits for its port, drives it, stops it. */
    private static final String DRIVER = """
            set -a; . "$ENV_FILE"; set +a
            MCP_PORT="$TEST_PORT"
            "$LAUNCHER" "$NAME" >"$LOG" 2>&1 &
            gw=$!
            up=no
            for _ in $(seq 200); do
                if (exec 3<>"/dev/tcp/127.0.0.1/$MCP_PORT") 2>/dev/null; then up=yes; break; fi
                kill -0 "$gw" 2>/dev/null || break
                sleep 0.1
            done
            if [ "$up" = no ]; then echo "the gateway did not listen on $MCP_PORT" >&2; kill "$gw" 2>/dev/null; exit 90; fi
            "$JAVA" -cp "$CP" dev.mcplatencyprobe.bench.mcp.stress.StressMain --url "http://127.0.0.1:$MCP_PORT/mcp" "$@"
            rc=$?
            kill "$gw"; wait "$gw"
            exit $rc
            """;

    private static void requireGateway() {
        Path gateway = NODE_DIR.resolve("node_modules/supergateway/dist/index.js");
        String why = null;
        if (!Files.isRegularFile(gateway)) {
            why = "supergateway is not installed in " + NODE_DIR + ": run scripts/test-deps.sh (make test does)";
        } else if (!onPath("node")) {
            why = "node is not on PATH: install nodejs and npm";
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
    }

    private static boolean onPath(String program) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + program).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Root can give the run its own loopback-only network and PID namespaces; others run it as is. */
    private static List<String> isolation() {
        try {
            // The new network namespace's loopback must be brought up: that needs ip (iproute2), which a
            // minimal Debian lacks; without it the run stays in the host's namespaces (loopback only anyway).
            Process p = new ProcessBuilder("unshare", "-n", "-p", "-f", "-m", "--mount-proc", "ip", "link", "set", "lo", "up")
                    .redirectErrorStream(true).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return List.of("unshare", "-n", "-p", "-f", "-m", "--mount-proc", "--kill-child", "sh", "-c",
                        "ip link set lo up && exec \"$@\"", "isolated");
            }
        } catch (IOException | InterruptedException e) {
            // no unshare: run in the host's namespaces
        }
        return List.of();
    }

    @ParameterizedTest
    @ValueSource(strings = {"official-thinking", "official-memory"})
    void exampleEnvFileServesTheOfficialServerOverHttpThroughTheGateway(String instance, @TempDir Path tmp) throws Exception {
        requireGateway();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path json = tmp.resolve("report.json");
        Path log = tmp.resolve("gateway.log");
        List<String> cmd = new ArrayList<>(isolation());
        cmd.addAll(List.of("bash", "-c", DRIVER, "driver", "--duration", "3s", "--concurrency", "4",
                "--mix", "call=85,list=5,ping=5,bad=5", "--quiet", "--json", json.toString()));
        if (instance.equals("official-memory")) {
            cmd.addAll(List.of("--calls", CALLS.resolve("memory.json").toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ENV_FILE", UNITS.resolve("env/mcp-" + instance + ".env").toString());
        pb.environment().put("LAUNCHER", UNITS.resolve("omnimind-mcp-run").toString());
        pb.environment().put("NAME", instance);
        pb.environment().put("TEST_PORT", Integer.toString(port));
        pb.environment().put("LOG", log.toString());
        pb.environment().put("MCP_NODE_DIR", NODE_DIR.toString());
        pb.environment().put("STATE_DIRECTORY", state.toString()); // what systemd's StateDirectory= sets
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out:\n" + out);
        }
        String gatewayLog = Files.exists(log) ? Files.readString(log) : "(no log)";
        int exit = p.exitValue();
        assertTrue(exit == 0 || exit == 3, "exit " + exit + ":\n" + out + "\ngateway:\n" + gatewayLog);
        JsonNode r = JsonRpc.MAPPER.readTree(json.toFile());
        JsonNode e = r.get("unexpected_errors");
        assertEquals(0, e.get("protocol").asLong(), out + e);
        assertEquals(0, e.get("transport").asLong(), out + e);
        assertEquals(0, e.get("timeout").asLong(), out + e);
        long calls = 0;
        long ok = 0;
        for (JsonNode row : r.get("rows")) {
            if (row.get("method").asString().startsWith(Tally.CALL_PREFIX)) {
                calls += row.get("count").asLong();
                ok += row.get("outcomes").get("ok").asLong();
            }
        }
        assertTrue(ok > 10, ok + " of " + calls + " tool calls answered through the gateway:\n" + out);
        assertTrue(gatewayLog.contains("Listening on port " + port), gatewayLog);
        if (instance.equals("official-memory")) {
            assertEquals(0, e.get("tool").asLong(), out + e);
            assertTrue(Files.exists(state.resolve("memory.jsonl")), "MCP_COMMAND's $STATE_DIRECTORY was expanded: " + gatewayLog);
        }
    }

    @Test
    void withoutMcpCommandTheLauncherRunsTheReferenceServerOnLoopback() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(UNITS.resolve("omnimind-mcp-run").toString(), "--print", "thinking").redirectErrorStream(true);
        pb.environment().remove("MCP_COMMAND");
        pb.environment().put("JAVA_OPTS", "-Xmx64m -Xss512k");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("/usr/bin/java", "-Xmx64m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-jar",
                "/opt/mcp-latency-probe/mcp-servers.jar", "thinking", "--transport", "http", "--bind", "127.0.0.1"), out.lines().toList());
    }

    @Test
    void aCommandWithoutAPortOrANameIsOneLineAndExitTwo() throws Exception {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--print"), List.of("a", "b"))) {
            List<String> cmd = new ArrayList<>(List.of(UNITS.resolve("omnimind-mcp-run").toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), args + ": " + out);
            assertEquals(1, out.lines().count(), out);
        }
        ProcessBuilder pb = new ProcessBuilder(UNITS.resolve("omnimind-mcp-run").toString(), "x").redirectErrorStream(true);
        pb.environment().put("MCP_COMMAND", "mcp-server-memory");
        pb.environment().remove("MCP_PORT");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("MCP_PORT is not set"), out);
    }
}
