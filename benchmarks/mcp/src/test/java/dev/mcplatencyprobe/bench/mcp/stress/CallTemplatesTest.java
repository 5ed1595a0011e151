package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallTemplatesTest {
    private static final Path CALLS = Path.of(System.getProperty("mcp.calls.dir", "calls"));

    private static CallTemplates write(Path dir, String json) throws Exception {
        Path f = dir.resolve("calls.json");
        Files.writeString(f, json);
        return CallTemplates.load(f);
    }

    @Test
    void variablesAreFilledPerUserAndCycle(@TempDir Path tmp) throws Exception {
        CallTemplates t = write(tmp, """
                {"cycle":[{"tool":"make","arguments":{"name":"e-${session}-${counter}","n":"${counter}","tags":["${word}","${word} ${word}"],"keep":3}},
                          {"tool":"drop","arguments":{"names":["e-${session}-${counter}"]}}]}""");
        ToolCalls calls = ToolCalls.from(JsonRpc.MAPPER.readTree(
                "{\"tools\":[{\"name\":\"make\",\"inputSchema\":{}},{\"name\":\"drop\",\"inputSchema\":{}},{\"name\":\"other\"}]}"), t);
        assertEquals(List.of("make", "drop"), calls.callable(), "only the file's tools are called");
        ToolCalls.Chain chain = new ToolCalls.Chain();
        chain.session = "u7-abc";
        SplittableRandom r = new SplittableRandom(1);
        ObjectNode first = calls.next(chain, r);
        assertEquals("make", first.get("name").asString());
        JsonNode a = first.get("arguments");
        assertEquals("e-u7-abc-1", a.get("name").asString());
        assertTrue(a.get("n").isIntegralNumber(), "a string that is exactly ${counter} becomes a number");
        assertEquals(1, a.get("n").asInt());
        assertEquals(3, a.get("keep").asInt());
        assertFalse(a.get("tags").get(0).asString().contains("${"));
        assertEquals(2, a.get("tags").get(1).asString().split(" ").length);
        ObjectNode second = calls.next(chain, r);
        assertEquals("drop", second.get("name").asString());
        assertEquals("e-u7-abc-1", second.get("arguments").get("names").get(0).asString(), "one cycle shares its counter");
        assertEquals("e-u7-abc-2", calls.next(chain, r).get("arguments").get("name").asString(), "the next cycle counts up");
    }

    @Test
    void theMemoryCallsFileIsForTheMemoryServerOnly() throws Exception {
        CallTemplates memory = CallTemplates.load(CALLS.resolve("memory.json"));
        JsonNode memoryTools = JsonRpc.MAPPER.readTree("{\"tools\":[{\"name\":\"create_entities\"},{\"name\":\"search_nodes\"},"
                + "{\"name\":\"open_nodes\"},{\"name\":\"delete_entities\"},{\"name\":\"read_graph\"}]}");
        JsonNode thinkingTools = JsonRpc.MAPPER.readTree("{\"tools\":[{\"name\":\"sequentialthinking\"}]}");
        assertSame(memory, Target.chooseCalls(List.of(memory), "memory-server", memoryTools));
        assertNull(Target.chooseCalls(List.of(memory), "sequential-thinking-server", thinkingTools));
        assertEquals(List.of("create_entities", "search_nodes", "open_nodes", "delete_entities"),
                memory.cycle().stream().map(CallTemplates.Step::tool).toList());
    }

    @Test
    void aFileWithoutServerAppliesWhereAllItsToolsAre(@TempDir Path tmp) throws Exception {
        CallTemplates t = write(tmp, "{\"cycle\":[{\"tool\":\"a\"}]}");
        assertSame(t, Target.chooseCalls(List.of(t), "x", JsonRpc.MAPPER.readTree("{\"tools\":[{\"name\":\"a\"}]}")));
        assertNull(Target.chooseCalls(List.of(t), "x", JsonRpc.MAPPER.readTree("{\"tools\":[{\"name\":\"b\"}]}")));
    }

    @Test
    void aFileNamingAToolTheServerLacksIsAnError(@TempDir Path tmp) throws Exception {
        CallTemplates t = write(tmp, "{\"server\":\"x\",\"cycle\":[{\"tool\":\"gone\"}]}");
        var e = assertThrows(IllegalArgumentException.class, () -> ToolCalls.from(JsonRpc.MAPPER.readTree("{\"tools\":[{\"name\":\"a\"}]}"), t));
        assertTrue(e.getMessage().contains("'gone'"), e.getMessage());
    }

    @Test
    void badFilesAreOneLineUsageErrors(@TempDir Path tmp) throws Exception {
        String[][] cases = {
            {"not json", "not JSON"},
            {"[]", "expected a JSON object"},
            {"{}", "\"cycle\" must be a non-empty array"},
            {"{\"cycle\":[]}", "\"cycle\" must be a non-empty array"},
            {"{\"cycle\":[{\"arguments\":{}}]}", "cycle[0]: needs \"tool\""},
            {"{\"cycle\":[{\"tool\":\"a\",\"arguments\":[1]}]}", "\"arguments\" must be an object"},
            {"{\"cycle\":[{\"tool\":\"a\",\"arguments\":{\"x\":\"${nonce}\"}}]}", "unknown variable ${nonce}"},
            {"{\"cycle\":[{\"tool\":\"a\"}],\"sever\":\"typo\"}", "unknown key \"sever\""},
            {"{\"server\":7,\"cycle\":[{\"tool\":\"a\"}]}", "\"server\" must be a server name"},
        };
        for (String[] c : cases) {
            var e = assertThrows(UsageException.class, () -> write(tmp, c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(UsageException.class, () -> CallTemplates.load(tmp.resolve("missing.json")));
        assertThrows(UsageException.class, () -> CallTemplates.load(tmp));
    }

    @Test
    void theCommandLineRejectsABadCallsFileWithOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = StressMain.run(new String[] {"--stdio", "true", "--calls", tmp.resolve("nope.json").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("mcp-stress: --calls "), e);
        assertNotEquals("", e.strip());
    }
}
