package dev.mcplatencyprobe.bench.mcp.servers;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerOptionsTest {

    @Test
    void defaultsAreStdioOnLoopbackWithTheKindsPort() throws Exception {
        ServerOptions o = ServerOptions.parse(new String[] {"memory"}, Map.of("HOME", "/home/u"));
        assertEquals(ServerKind.MEMORY, o.kind());
        assertEquals(ServerOptions.Transport.STDIO, o.transport());
        assertEquals("127.0.0.1", o.bindAddress());
        assertEquals(8702, o.port());
        assertEquals(Path.of("/home/u/.local/state/omnimind-mcp/memory"), o.stateDir());
    }

    @Test
    void environmentConfiguresWhatTheCommandLineLeavesOut() throws Exception {
        Map<String, String> env = Map.of("MCP_TRANSPORT", "http", "MCP_PORT", "9100", "MCP_BIND", "::1",
                "STATE_DIRECTORY", "/var/lib/x:/var/lib/y", "MCP_THINK_ROUNDS", "7");
        ServerOptions o = ServerOptions.parse(new String[] {"thinking"}, env);
        assertEquals(ServerOptions.Transport.HTTP, o.transport());
        assertEquals(9100, o.port());
        assertEquals("::1", o.bindAddress());
        assertEquals(Path.of("/var/lib/x"), o.stateDir(), "systemd's first state directory");
        assertEquals(7, o.thinkRounds());
    }

    @Test
    void optionsWinOverEnvironment() throws Exception {
        Map<String, String> env = Map.of("MCP_PORT", "9100", "MCP_STATE_DIR", "/env", "STATE_DIRECTORY", "/systemd");
        ServerOptions o = ServerOptions.parse(new String[] {"memory", "--transport=http", "--port", "0", "--state-dir", "/opt"}, env);
        assertEquals(0, o.port());
        assertEquals(Path.of("/opt"), o.stateDir());
        assertEquals(Path.of("/env"), ServerOptions.parse(new String[] {"memory"}, env).stateDir(), "MCP_STATE_DIR before STATE_DIRECTORY");
    }

    @Test
    void badInputIsAUsageErrorNamingTheProblem() {
        assertEquals("port: 'http' is not a whole number (0..65535)",
                assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"thinking", "--port", "http"}, Map.of())).getMessage());
        assertEquals("port: 70000 is out of range 0..65535",
                assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"thinking"}, Map.of("MCP_PORT", "70000"))).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"weather"}, Map.of())).getMessage()
                .startsWith("unknown server 'weather'"));
        assertEquals("transport: 'sse' is not stdio or http",
                assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"memory", "--transport", "sse"}, Map.of())).getMessage());
        assertEquals("--port needs a value",
                assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"memory", "--port"}, Map.of())).getMessage());
        assertEquals("--port-file only makes sense with --transport http",
                assertThrows(UsageException.class, () -> ServerOptions.parse(new String[] {"memory", "--port-file", "p"}, Map.of())).getMessage());
    }

    @Test
    void mainPrintsOneLineAndExitsTwoOnBadUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ServersMain.run(new String[] {"thinking", "--bogus"}, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals("mcp-servers: unknown option '--bogus' (see --help)\n", text);
        assertFalse(text.contains("Exception"));
    }

    @Test
    void mainReportsAPortInUseInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ServersMain.run(new String[] {"thinking", "--transport", "http", "--port", Integer.toString(taken.getLocalPort())},
                    Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, code);
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("mcp-servers: thinking: cannot listen on 127.0.0.1:" + taken.getLocalPort()), text);
            assertEquals(1, text.lines().count(), text);
        }
    }
}
