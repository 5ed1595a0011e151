package dev.mcplatencyprobe.bench.mcp.stress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stress test against the official MCP reference servers from npm (pinned, installed into
 * target/test-tools by scripts/test-deps.sh), over stdio: sequential-thinking with arguments
 * generated from its schema, memory with the repository's calls file. With CI=true a missing node
 * or server fails these tests instead of skipping them.
 */
class McpOfficialServersTest {
    /** Long enough for > MIN_TOOL_CALLS on a busy 2-core machine with Debian 12's node 18 (~50-250 calls/s there). */
    private static final String RUN_SECONDS = "8s";
    private static final int MIN_TOOL_CALLS = 500;
    private static final Path TOOLS = Path.of(System.getProperty("mcp.testTools.dir", "../../target/test-tools"));
    private static final Path CALLS = Path.of(System.getProperty("mcp.calls.dir", "calls"));
    private static final Path MODULES = TOOLS.resolve("mcp-servers/node_modules/@modelcontextprotocol");

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

    /** The server's entry point, or a skip (a failure in CI) saying how to get it. */
    private static Path server(String name) throws Exception {
        requireNode();
        Path main = MODULES.resolve(name).resolve("dist/index.js");
        if (!Files.isRegularFile(main)) {
            missing("@modelcontextprotocol/" + name + " is not installed in " + TOOLS + ": run scripts/test-deps.sh (make test does)");
        }
        return main.toAbsolutePath();
    }

    private static void requireNode() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // not on PATH
        }
        missing("node is not on PATH: install nodejs and npm (Debian: apt-get install nodejs npm)");
    }

    private static void missing(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(false, why);
    }

    /** No protocol or transport error, and more than MIN_TOOL_CALLS tool calls answered. */
    private static long assertDriven(Run r, String tool) {
        assertTrue(r.exit() == 0 || r.exit() == 3, "exit " + r.exit() + ": " + r.err());
        JsonNode e = r.json().get("unexpected_errors");
        assertEquals(0, e.get("protocol").asLong(), e.toString());
        assertEquals(0, e.get("transport").asLong(), e.toString());
        assertEquals(0, e.get("timeout").asLong(), e.toString());
        assertEquals(0, e.get("stray_stdout_lines").asLong(), e.toString());
        assertEquals(0, e.get("abandoned").asLong(), e.toString());
        long calls = 0;
        for (JsonNode row : r.json().get("rows")) {
            if (row.get("method").asString().startsWith(Tally.CALL_PREFIX)) {
                calls += row.get("count").asLong();
            }
        }
        assertTrue(calls > MIN_TOOL_CALLS, "only " + calls + " tool calls completed:\n" + r.out());
        assertTrue(r.out().contains(Tally.CALL_PREFIX + tool), r.out());
        long pid = r.json().get("targets").get(0).get("pids").get(0).asLong();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the spawned server is gone");
        return calls;
    }

    @Test
    void sequentialThinkingIsDrivenWithArgumentsGeneratedFromItsSchema(@TempDir Path tmp) throws Exception {
        Path main = server("server-sequential-thinking");
        Run r = run(tmp.resolve("r.json"), "--stdio", "node " + main, "--duration", RUN_SECONDS, "--concurrency", "8", "--quiet");
        long calls = assertDriven(r, "sequentialthinking");
        JsonNode target = r.json().get("targets").get(0);
        assertEquals("sequential-thinking-server", target.get("name").asString());
        assertEquals(0, target.get("skipped_tools").size(), target.toString());
        assertTrue(target.get("calls_file").isNull(), "generated arguments, no calls file");
        // Generated arguments fit the schema; most also fit the tool's meaning. The rest (a word where
        // a boolean-or-"true"/"false" string is expected) are tool errors, counted apart.
        long ok = 0;
        for (JsonNode row : r.json().get("rows")) {
            if (row.get("method").asString().equals(Tally.CALL_PREFIX + "sequentialthinking")) {
                ok = row.get("outcomes").get("ok").asLong();
            }
        }
        assertTrue(ok > calls / 2, ok + " of " + calls + " calls succeeded");
        assertTrue(r.out().contains("unexpected errors: ") && r.out().contains("protocol 0, tool "), r.out());
    }

    @Test
    void memoryIsDrivenWithTheRepositoryCallsFile(@TempDir Path tmp) throws Exception {
        Path main = server("server-memory");
        Path graph = tmp.resolve("memory.jsonl");
        Run r = run(tmp.resolve("r.json"), "--stdio", "MEMORY_FILE_PATH=" + graph + " node " + main,
                "--calls", CALLS.resolve("memory.json").toString(), "--duration", RUN_SECONDS, "--concurrency", "8", "--quiet");
        assertDriven(r, "create_entities");
        assertEquals(0, r.exit(), "the calls file's cycle makes no tool error:\n" + r.out());
        for (String tool : new String[] {"create_entities", "search_nodes", "open_nodes", "delete_entities"}) {
            assertTrue(r.out().contains(Tally.CALL_PREFIX + tool), tool + " called:\n" + r.out());
        }
        assertTrue(r.err().contains("tools/call follows"), r.err());
        assertTrue(r.json().get("targets").get(0).get("calls_file").asString().endsWith("memory.json"));
        assertTrue(r.out().contains("  tools/call from "), r.out());
        assertTrue(Files.exists(graph), "the server wrote its graph where MEMORY_FILE_PATH (set before the command) said");
    }
}
