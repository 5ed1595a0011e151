package dev.mcpprobe.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder and the pairing, on recorded fragments: what the kernel hands over for real traffic. */
class McpTrackerTest {
    static final int R = McpRecordLayout.DIR_READ;
    static final int W = McpRecordLayout.DIR_WRITE;
    static final int PID = 100;
    static final int TID = 101;

    /** Feeds a whole read or write as the kernel copies it: all of it, or its head and tail. */
    static void io(McpTracker t, int dir, int fd, long ts, String text) {
        io(t, dir, fd, TID, ts, 0, 0, text);
    }

    static void io(McpTracker t, int dir, int fd, int tid, long ts, long sys, long wait, String text) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        int head = Math.min(all.length, McpRecordLayout.HEAD_BYTES);
        int tail = Math.min(all.length - head, McpRecordLayout.TAIL_BYTES);
        byte[] data = new byte[head + tail];
        System.arraycopy(all, 0, data, 0, head);
        System.arraycopy(all, all.length - tail, data, head, tail);
        t.feed(PID, tid, fd, dir, ts, sys, wait, data, head, tail, head + tail < all.length);
    }

    static McpSnapshot.Method row(McpSnapshot s, String label) {
        return s.methods().stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + label + " in " + s.methods()));
    }

    @Test
    void aRequestReadAndItsResponseWrittenArePaired() {
        McpTracker t = new McpTracker();
        io(t, R, 0, 1_000, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"echo\", \"arguments\": {}}}\n");
        io(t, W, 1, 51_000, "{\"result\":{\"content\":[]},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        McpSnapshot s = t.snapshot(0, 0);
        McpSnapshot.Method m = row(s, "tools/call echo");
        assertEquals(1, m.count());
        assertEquals(0, m.errors());
        assertTrue(Math.abs(m.p50Ns() - 50_000) <= 50, "p50 " + m.p50Ns());
        assertEquals(0, s.totals().unpairedResponses());
    }
}
