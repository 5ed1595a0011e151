package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stress test's small pure parts: mix, /proc parsing, tool-call generation. */
class SmallPartsTest {

    @Test
    void mixDrawsInProportionToWeights() throws Exception {
        Mix mix = Mix.parse("call=80,list=10,bad=10");
        Map<Operation, Integer> n = new EnumMap<>(Operation.class);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            n.merge(mix.draw(r), 1, Integer::sum);
        }
        assertEquals(80_000, n.get(Operation.TOOL_CALL), 1_500);
        assertEquals(10_000, n.get(Operation.BAD_CALL), 1_000);
        assertEquals(null, n.get(Operation.PING), "weight 0 is never drawn");
        assertEquals(null, n.get(Operation.NEW_SESSION));
    }

    @Test
    void stdioMixMovesNewSessionsToToolCalls() {
        Mix m = Mix.defaults().withoutNewSessions();
        assertEquals(0.0, m.weight(Operation.NEW_SESSION));
        assertEquals(88.5, m.weight(Operation.TOOL_CALL), 1e-9);
        assertEquals("call=88.5,list=5,ping=5,bad=1.5,session=0", m.spec());
    }

    @Test
    void badMixIsAUsageError() {
        assertThrows(UsageException.class, () -> Mix.parse("calls=5"));
        assertThrows(UsageException.class, () -> Mix.parse("call=-1"));
        assertThrows(UsageException.class, () -> Mix.parse("session=5"));
    }

    @Test
    void procStatTicksSurviveACommandNameWithParensAndSpaces() {
        String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 3 4 20 0 30 0 99 0 0";
        assertEquals(300, CpuClock.parseStatTicks(stat));
        assertTrue(CpuClock.processNanos(ProcessHandle.current().pid()).isPresent());
        assertTrue(CpuClock.selfNanos() > 0);
    }

    @Test
    void listeningInodesComeFromListenRowsOnThePort() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:21FD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0",
                "   1: 0100007F:21FD 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 100 0 0 10 0",
                "   2: 0100007F:21FE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0");
        assertEquals(Set.of("4242"), ListeningPids.listeningInodes(table, 8701));
    }

    @Test
    void toolCallsKnowTheReferenceToolsGenerateTheRestAndSkipToolsNeedingUnknownArguments() {
        var tools = JsonRpc.MAPPER.readTree("{\"tools\":["
                + "{\"name\":\"think\",\"inputSchema\":{\"required\":[\"thought\"]}},"
                + "{\"name\":\"clock\",\"inputSchema\":{\"type\":\"object\"}},"
                + "{\"name\":\"search\",\"inputSchema\":{\"required\":[\"q\"]}},"
                + "{\"name\":\"lookup\",\"inputSchema\":{\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":\"^x\"}},\"required\":[\"id\"]}}]}");
        ToolCalls calls = ToolCalls.from(tools);
        assertEquals(List.of("think", "clock", "search"), calls.callable());
        assertEquals(1, calls.skipped().size());
        assertTrue(calls.skipped().get(0).startsWith("lookup ("), calls.skipped().toString());
        assertTrue(calls.valid("search", new ToolCalls.Chain(), new SplittableRandom(1)).get("arguments").get("q").isString());

        ToolCalls.Chain chain = new ToolCalls.Chain();
        SplittableRandom r = new SplittableRandom(5);
        var first = calls.valid("think", chain, r).get("arguments");
        assertEquals(1, first.get("thoughtNumber").asInt());
        int total = first.get("totalThoughts").asInt();
        for (int i = 2; i <= total; i++) {
            var a = calls.valid("think", chain, r).get("arguments");
            assertEquals(i, a.get("thoughtNumber").asInt());
            assertEquals(i < total, a.get("nextThoughtNeeded").asBoolean());
        }
        assertEquals(1, calls.valid("think", chain, r).get("arguments").get("thoughtNumber").asInt(), "a new chain starts");
        assertEquals("three", calls.invalidArguments(r).get("arguments").get("thoughtNumber").asString());
        assertTrue(calls.unknownTool(r).get("name").asString().startsWith(ToolCalls.UNKNOWN_TOOL));
    }
}
