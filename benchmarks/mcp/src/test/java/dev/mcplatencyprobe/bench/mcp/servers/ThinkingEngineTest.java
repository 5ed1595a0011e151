package dev.mcplatencyprobe.bench.mcp.servers;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ThinkingEngineTest {

    private static ThinkingEngine.Thought thought(String text, int n, int total) {
        return new ThinkingEngine.Thought(text, n, total, n < total, false, null, null, null);
    }

    @Test
    void digestDependsOnTextNumberAndRounds() {
        ThinkingEngine e = new ThinkingEngine(10);
        assertEquals(e.deliberate("a", 1), new ThinkingEngine(10).deliberate("a", 1));
        assertNotEquals(e.deliberate("a", 1), e.deliberate("a", 2));
        assertNotEquals(e.deliberate("a", 1), new ThinkingEngine(11).deliberate("a", 1));
    }

    @Test
    void reportsTheChainAndCountsWords() {
        ThinkingEngine e = new ThinkingEngine(1);
        Map<String, Object> out = e.think(thought("Latency, latency and more LATENCY!", 2, 5));
        assertEquals(2, out.get("thoughtNumber"));
        assertEquals(5, out.get("totalThoughts"));
        assertEquals(true, out.get("nextThoughtNeeded"));
        assertEquals(5, out.get("words"));
        assertEquals(3, out.get("distinctWords"));
        assertEquals(1, out.get("thoughtHistoryLength"));
    }

    @Test
    void historyIsBoundedAndBranchesAreListed() {
        ThinkingEngine e = new ThinkingEngine(0);
        for (int i = 0; i < ThinkingEngine.HISTORY_LIMIT + 10; i++) {
            e.think(thought("t", 1, 1));
        }
        Map<String, Object> out = e.think(new ThinkingEngine.Thought("b", 2, 3, true, false, null, 1, "alt"));
        assertEquals(ThinkingEngine.HISTORY_LIMIT, out.get("thoughtHistoryLength"));
        assertArrayEquals(new String[] {"alt"}, (String[]) out.get("branches"));
        assertEquals(ThinkingEngine.HISTORY_LIMIT + 11, e.thoughtsSeen());
    }
}
