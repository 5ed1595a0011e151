package dev.mcplatencyprobe.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.syscall.Syscalls;
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
        io(t, dir, fd, TID, ts, text);
    }

    static void io(McpTracker t, int dir, int fd, int tid, long ts, String text) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        int head = Math.min(all.length, McpRecordLayout.HEAD_BYTES);
        int tail = Math.min(all.length - head, McpRecordLayout.TAIL_BYTES);
        byte[] data = new byte[head + tail];
        System.arraycopy(all, 0, data, 0, head);
        System.arraycopy(all, all.length - tail, data, head, tail);
        t.feed(PID, tid, fd, dir, ts, data, head, tail, head + tail < all.length);
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
        assertEquals(50_000, m.p50Ns(), 500, "p50 within the histogram's 1%");
        assertEquals(0, s.totals().unpairedResponses());
    }

    /** Feeds raw bytes as one read/write record: the kernel's head and tail of them. */
    static void ioBytes(McpTracker t, int dir, int fd, long ts, byte[] all) {
        int head = Math.min(all.length, McpRecordLayout.HEAD_BYTES);
        int tail = Math.min(all.length - head, McpRecordLayout.TAIL_BYTES);
        byte[] data = new byte[head + tail];
        System.arraycopy(all, 0, data, 0, head);
        System.arraycopy(all, all.length - tail, data, head, tail);
        t.feed(PID, TID, fd, dir, ts, data, head, tail, head + tail < all.length);
    }

    @Test
    void aRequestSplitAcrossReadsIsJoined() {
        McpTracker t = new McpTracker();
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":7,\"met");
        io(t, R, 0, 2_000, "hod\":\"tools/call\",\"params\":{\"na");
        io(t, R, 0, 3_000, "me\":\"search_nodes\"}}\n");
        io(t, W, 1, 10_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":7}\n");
        McpSnapshot s = t.snapshot(0, 0);
        McpSnapshot.Method m = row(s, "tools/call search_nodes");
        assertEquals(1, m.count());
        assertEquals(7_000, m.p50Ns(), 70, "latency runs from the read that completed the request");
    }

    @Test
    void aRequestReadOneByteAtATimeIsJoined() {
        McpTracker t = new McpTracker();
        String request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}\n";
        for (int i = 0; i < request.length(); i++) {
            io(t, R, 0, 1_000 + i, request.substring(i, i + 1)); // as a shell's read builtin does
        }
        io(t, W, 1, 60_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        assertEquals(1, row(t.snapshot(0, 0), "tools/call echo").count());
    }

    @Test
    void severalMessagesInOneReadAreAllDecoded() {
        McpTracker t = new McpTracker();
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
        io(t, W, 1, 2_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n{\"result\":{\"tools\":[]},\"jsonrpc\":\"2.0\",\"id\":2}\n");
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(1, row(s, "ping").count());
        assertEquals(1, row(s, "tools/list").count());
        assertEquals(1, s.totals().notifications());
        // Both requests were in flight on one thread: their syscall time is not attributed to either.
        assertEquals(2, s.totals().unattributedRequests());
    }

    @Test
    void aResponseLargerThanHeadAndTailIsPairedByTheIdInItsTail() {
        McpTracker t = new McpTracker();
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":\"req-42\",\"method\":\"tools/call\",\"params\":{\"name\":\"read_graph\",\"arguments\":{}}}\n");
        String big = "{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + "x\\\"y".repeat(5_000)
                + "\"}]},\"jsonrpc\":\"2.0\",\"id\":\"req-42\"}\n";
        io(t, W, 1, 9_000, big);
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(1, row(s, "tools/call read_graph").count());
        assertEquals(0, s.totals().unpairedResponses());
        assertEquals(0, s.totals().undecodable());
    }

    @Test
    void aLargeRequestWithItsIdLastIsReadFromHeadAndTail() {
        McpTracker t = new McpTracker();
        String big = "{\"method\":\"tools/call\",\"params\":{\"name\":\"create_entities\",\"arguments\":{\"x\":\""
                + "a".repeat(3_000) + "\"}},\"jsonrpc\":\"2.0\",\"id\":5}\n";
        io(t, R, 0, 1_000, big);
        io(t, W, 1, 3_000, "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32602,\"message\":\"bad\"}}\n");
        McpSnapshot.Method m = row(t.snapshot(0, 0), "tools/call create_entities");
        assertEquals(1, m.count());
        assertEquals(1, m.errors());
    }

    @Test
    void aCutMessageWhoseTailHoldsAnotherMessageIsCountedNotGuessed() {
        McpTracker t = new McpTracker();
        // A read of many pipelined requests: the head's last request and the tail's are different ones.
        StringBuilder reads = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            reads.append("{\"method\":\"ping\",\"jsonrpc\":\"2.0\",\"id\":").append(i).append("}\n");
        }
        io(t, R, 0, 1_000, reads.toString());
        for (int i = 1; i <= 40; i++) {
            io(t, W, 1, 2_000 + i, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":" + i + "}\n");
        }
        McpSnapshot s = t.snapshot(0, 0);
        long paired = row(s, "ping").count();
        assertTrue(paired >= 10 && paired < 40, "the requests in the head and the tail are paired: " + paired);
        assertEquals(40 - paired, s.totals().unpairedResponses(), "the others are counted, not guessed");
    }

    @Test
    void streamableHttpWithJsonAndSseBodiesIsDecoded() {
        McpTracker t = new McpTracker();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"think\",\"arguments\":{}}}";
        io(t, R, 7, 1_000, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:8701\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        io(t, W, 7, 5_000, "HTTP/1.1 200 \r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        io(t, W, 7, 6_000, "5a\r\nid: 1\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[]}}\n\n\r\n");
        // The next request on the same connection: headers and body in two reads.
        io(t, R, 7, 10_000, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:8701\r\nContent-Length: 40\r\n\r\n");
        io(t, R, 7, 11_000, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
        io(t, W, 7, 12_000, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}");
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(1, row(s, "tools/call think").count());
        assertEquals(1, row(s, "ping").count());
        assertEquals(0, s.totals().undecodable());
    }

    @Test
    void idsPairPerConnectionAndUnansweredRequestsAreInFlight() {
        McpTracker t = new McpTracker();
        io(t, R, 7, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        io(t, R, 8, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        io(t, W, 8, 2_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        io(t, W, 9, 2_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(1, row(s, "tools/list").count());
        assertEquals(0, row(s, "ping").count());
        assertEquals(1, row(s, "ping").inFlight());
        assertEquals(1, s.totals().unpairedResponses());
    }

    /** The syscall records of one poll, then the poll's end. */
    static void poll(McpTracker t, long[]... syscalls) {
        EventBatch batch = EventBatch.allocate(64);
        for (long[] c : syscalls) { // {tid, startNs, endNs, nr}
            batch.add(c[2], c[2] - c[1], 0, PID, (int) c[0], (int) c[3]);
        }
        t.onSyscalls(batch);
    }

    static final Syscalls X86 = Syscalls.forArch("x86_64");
    static final int FSYNC = X86.number("fsync").getAsInt();
    static final int FUTEX = X86.number("futex").getAsInt();
    static final int READ = X86.number("read").getAsInt();
    static final int WRITE = X86.number("write").getAsInt();

    @Test
    void syscallTimeInsideARequestOnItsThreadIsAttributed() {
        McpTracker t = new McpTracker(X86);
        // Read at 1.0 ms, answered at 2.0 ms: 250 us of fsync and 50 us of futex inside, on its thread.
        io(t, R, 0, TID, 1_000_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"fsync\"}}\n");
        poll(t, new long[] {TID, 990_000, 1_000_100, READ}, // the read itself: not inside
                new long[] {TID, 1_100_000, 1_300_000, FSYNC}, new long[] {TID + 1, 1_100_000, 1_900_000, FSYNC});
        io(t, W, 1, TID, 2_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        // A syscall that ended before the response comes a poll after it: still counted.
        poll(t, new long[] {TID, 1_400_000, 1_450_000, FSYNC}, new long[] {TID, 1_500_000, 1_550_000, FUTEX},
                new long[] {TID, 1_999_000, 2_000_500, WRITE}); // the response's write: not inside
        // Answered by another thread: not attributed.
        io(t, R, 0, TID, 3_000_000, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"fsync\"}}\n");
        io(t, W, 1, TID + 1, 4_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":2}\n");
        poll(t, new long[] {TID, 3_100_000, 3_900_000, FSYNC});
        for (int i = 0; i < McpTracker.SETTLE_POLLS; i++) {
            poll(t);
        }
        McpSnapshot s = t.snapshot(0, 0);
        McpSnapshot.Method m = row(s, "tools/call fsync");
        assertEquals(2, m.count());
        assertEquals(1, m.attributed());
        assertEquals(0.25, m.syscallShare(), 1e-9);
        assertEquals(0.05, m.waitShare(), 1e-9);
        assertEquals(1, s.totals().unattributedRequests());
        assertEquals(1_000_000, s.totals().unattributedLatencyNs());
        assertEquals(800_000, s.totals().unattributedSyscallNs());
        assertEquals(List.of(new McpSnapshot.SyscallTime("fsync", false, 250_000), new McpSnapshot.SyscallTime("futex", true, 50_000)),
                m.topSyscalls());
    }

    @Test
    void aRequestIsSettledOnlyPollsAfterItsResponse() {
        McpTracker t = new McpTracker(X86);
        io(t, R, 0, TID, 1_000_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
        io(t, W, 1, TID, 2_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        poll(t);
        assertEquals(1, t.snapshot(0, 0).totals().settling(), "not settled in the response's own poll");
        poll(t, new long[] {TID, 1_200_000, 1_600_000, FSYNC}); // late, but ended before the response
        poll(t);
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(0, s.totals().settling());
        assertEquals(1, row(s, "ping").attributed());
        assertEquals(400_000, row(s, "ping").syscallNs());
    }

    @Test
    void overlappingRequestsOnOneThreadAttributeOnlyWhatLiesInsideOneOfThem() {
        McpTracker t = new McpTracker(X86);
        io(t, R, 0, TID, 1_000_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
        io(t, R, 0, TID, 2_000_000, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
        poll(t, new long[] {TID, 1_100_000, 1_200_000, FSYNC}, // only request 1 in flight
                new long[] {TID, 2_100_000, 2_400_000, FSYNC}); // both in flight
        io(t, W, 1, TID, 3_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        io(t, W, 1, TID, 4_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":2}\n");
        for (int i = 0; i <= McpTracker.SETTLE_POLLS; i++) {
            poll(t);
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(0, row(s, "ping").attributed(), "overlapping: neither is attributed");
        assertEquals(2, s.totals().unattributedRequests());
        assertEquals(100_000, s.totals().unattributedSyscallNs(), "inside exactly one of them");
        assertEquals(300_000, s.totals().sharedSyscallNs(), "inside both: attributed to none");
    }

    @Test
    void aPayloadRecordThatComesAfterLaterSyscallsIsNotAttributed() {
        McpTracker t = new McpTracker(X86);
        poll(t, new long[] {TID, 1_500_000, 1_600_000, FSYNC}); // seen before the request it lies in
        io(t, R, 0, TID, 1_000_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
        io(t, W, 1, TID, 2_000_000, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        for (int i = 0; i <= McpTracker.SETTLE_POLLS; i++) {
            poll(t);
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(1, row(s, "ping").count());
        assertEquals(0, row(s, "ping").attributed(), "never guessed");
        assertEquals(1, s.totals().unattributedRequests());
    }

    @Test
    void aGatewayPassingRequestsOnIsNotCountedAsTheirServer() {
        McpTracker t = new McpTracker(X86);
        int gateway = 200, server = 300;
        // Two sessions on two connections, both with id 1; the gateway writes each on to its server's stdin.
        for (int conn = 7; conn <= 8; conn++) {
            String request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}\n";
            feed(t, gateway, R, conn, 1_000 * conn, request);
            feed(t, gateway, W, 20 + conn, 1_100 * conn, request); // on to the server
            feed(t, server + conn, R, 0, 1_200 * conn, request);
            feed(t, server + conn, W, 1, 1_300 * conn, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
            feed(t, gateway, R, 30 + conn, 1_400 * conn, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
            feed(t, gateway, W, conn, 1_500 * conn, "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":1}\n");
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(2, row(s, "tools/call echo").count(), "counted once, at the servers");
        assertEquals(2, s.totals().forwarded());
        assertEquals(0, s.totals().unpairedResponses());
        // A forwarded request whose answer the gateway's record lost (its id reused later): still forwarded.
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n";
        feed(t, gateway, R, 7, 50_000, ping);
        feed(t, gateway, W, 27, 50_100, ping);
        feed(t, gateway, R, 7, 60_000, ping);
        McpSnapshot later = t.snapshot(0, 0);
        assertEquals(3, later.totals().forwarded(), "the first ping, its id reused before its answer was seen");
        assertEquals(0, later.totals().unpaired());
        assertEquals(1, later.totals().inFlight(), "the second ping, not yet forwarded");
    }

    static void feed(McpTracker t, int tgid, int dir, int fd, long ts, String text) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        t.feed(tgid, tgid, fd, dir, ts, all, all.length, 0, false);
    }

    @Test
    void pastAFewToolsEveryCallOfWhichFailedShareOneRow() {
        McpTracker t = new McpTracker(X86);
        int id = 0;
        for (String tool : List.of("no_such_tool_1", "no_such_tool_2", "no_such_tool_3", "no_such_tool_4", "no_such_tool_5",
                "echo", "echo")) {
            id++;
            io(t, R, 0, 1_000 * id, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\"}}\n");
            io(t, W, 1, 1_000 * id + 500, tool.equals("echo") && id == 6 ? "{\"result\":{},\"jsonrpc\":\"2.0\",\"id\":" + id + "}\n"
                    : "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32602,\"message\":\"x\"}}\n");
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertEquals(5, row(s, "tools/call (5 tools, every call failed)").count());
        assertEquals(5, row(s, "tools/call (5 tools, every call failed)").errors());
        assertEquals(2, row(s, "tools/call echo").count(), "a tool that answered once keeps its row");
        assertEquals(2, s.methods().size());
        assertEquals(7, s.totals().requests());
        assertEquals(6, s.totals().errors());
    }

    @Test
    void garbageOnTheSameStreamsNeverProducesAMethod() {
        McpTracker t = new McpTracker();
        io(t, R, 0, 1_000, "{\"id\":1,\"method\":\"tools/call\"}\n"); // no "jsonrpc":"2.0"
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"method\":\"b\"}\n"); // ambiguous
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}\n");
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}\n");
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",}\n");
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"x\"}\n");
        io(t, R, 0, 1_000, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\u0001\"}\n");
        io(t, R, 0, 1_000, "[" .repeat(10_000) + "\n");
        io(t, R, 0, 1_000, "{\"a\":" .repeat(500) + "1" + "}".repeat(500) + "\n");
        io(t, R, 0, 1_000, "hello world\n{not json}\n");
        McpSnapshot s = t.snapshot(0, 0);
        assertTrue(s.methods().isEmpty(), "no method from garbage: " + s.methods());
        assertTrue(s.totals().undecodable() >= 8, "counted: " + s.totals().undecodable());
        // The stream still decodes what follows.
        io(t, R, 0, 2_000, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n");
        io(t, W, 1, 3_000, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}\n");
        assertEquals(1, row(t.snapshot(0, 0), "ping").count());
    }

    @Test
    void randomBytesNeverCrashAndNeverProduceAMethod() {
        java.util.Random random = new java.util.Random(12);
        McpTracker t = new McpTracker();
        byte[] alphabet = "{}[]\":,\\ \n\r0123456789-+.eEtrufalsn\u00ffxyz".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(i % 10 == 0 ? 3_000 : 300)];
            for (int k = 0; k < b.length; k++) {
                b[k] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            ioBytes(t, random.nextBoolean() ? R : W, random.nextInt(4), i, b);
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertTrue(s.methods().isEmpty(), "no method from random bytes: " + s.methods());
        assertEquals(20_000, s.totals().payloadRecords());
    }

    @Test
    void hostileInputKeepsMemoryBounded() {
        McpTracker t = new McpTracker();
        for (int i = 0; i < 20_000; i++) {
            // A new method name, id and stream each time, never answered, and an unfinished message per stream.
            io(t, R, 3 + i % 5_000, i, "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"m" + i + "\"}\n{\"jsonrpc\":");
        }
        McpSnapshot s = t.snapshot(0, 0);
        assertTrue(s.methods().size() <= McpTracker.MAX_METHODS, "methods " + s.methods().size());
        assertTrue(s.totals().inFlight() <= McpTracker.MAX_IN_FLIGHT, "in flight " + s.totals().inFlight());
        assertEquals(20_000, s.totals().unpaired() + s.totals().inFlight(), "every request is accounted for");
        assertNull(s.toolsCallAll());
    }
}
