package dev.mcpprobe.mcp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Decodes the --mcp payload records into JSON-RPC messages per stream and pairs, on the server
 * side, each request read by a traced process with the response it writes on the same connection
 * (a socket's file descriptor; stdin and stdout count as one). What cannot be paired is counted,
 * never guessed. Everything it holds is bounded whatever the traced processes write: streams,
 * requests in flight, threads and distinct method names each have a limit, and what passes it is
 * evicted (and counted) or grouped under {@code (other)}.
 *
 * <p>The syscall time inside a request comes from the kernel's per-thread counters stamped on the
 * two records: the response's minus the request's, when the same thread read the request and
 * wrote the response and no other request was in flight on that thread meanwhile. Other requests
 * are counted as unattributed, with their time.
 *
 * <p>Single writer: the probe's consumer thread feeds it; {@link #snapshot} is taken by the same
 * thread or after that thread stopped. Payload bytes live only in a reused buffer while a record is
 * decoded.
 */
public final class McpTracker implements PayloadListener {
    public static final int MAX_STREAMS = 1024;
    public static final int MAX_IN_FLIGHT = 4096;
    public static final int MAX_THREADS = 4096;
    public static final int MAX_METHODS = 128;
    /** Requests in flight on one thread that are tracked for overlap; more are all unattributable. */
    private static final int MAX_OPEN_PER_THREAD = 64;
    private static final int MAX_NAME = 64;
    private static final long HIGHEST_NS = 3_600_000_000_000L;
    /** 1% resolution: about 30 KB per method up to an hour, against 500 KB with 3 digits (MAX_METHODS of them). */
    private static final int SIGNIFICANT_DIGITS = 2;
    static final String OTHER = "(other)";
    static final String INVALID_NAME = "(invalid name)";

    private record StreamKey(int tgid, int fd, int dir) {}

    private record PairKey(int tgid, int conn, String id) {}

    private record MethodKey(String method, String tool) {}

    private static final class InFlight {
        final MethodKey method;
        final long startNs;
        final int tid;
        final long syscallNs;
        final long waitNs;
        boolean overlapped;

        InFlight(MethodKey method, long startNs, int tid, long syscallNs, long waitNs) {
            this.method = method;
            this.startNs = startNs;
            this.tid = tid;
            this.syscallNs = syscallNs;
            this.waitNs = waitNs;
        }
    }

    private static final class MethodStats {
        final Histogram latency = new Histogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS);
        long errors;
        long unpaired;
        long attributed;
        long syscallNs;
        long waitNs;
        long attributedLatencyNs;
    }

    private final JsonRpcScanner scanner = new JsonRpcScanner();
    private final Map<StreamKey, StreamDecoder> streams = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<PairKey, InFlight> inFlight = new LinkedHashMap<>();
    private final Map<Integer, List<InFlight>> openByThread = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<MethodKey, MethodStats> methods = new HashMap<>();
    /** Every tools/call, whatever the tool: the verdict line's figures. */
    private final MethodStats toolsCall = new MethodStats();
    private final Map<String, long[]> notifications = new HashMap<>();
    private final byte[] data = new byte[McpRecordLayout.HEAD_BYTES + McpRecordLayout.TAIL_BYTES];
    private long records;
    private long unpairedResponses;
    private long undecodable;
    private long unattributed;
    private long unattributedNs;

    // The record being decoded, for the sink.
    private int curTgid;
    private int curTid;
    private int curFd;
    private int curDir;
    private long curTs;
    private long curSyscallNs;
    private long curWaitNs;

    private final StreamDecoder.Sink sink = new StreamDecoder.Sink() {
        @Override
        public void message(McpMessage m) {
            onMessage(m);
        }

        @Override
        public void undecodable() {
            undecodable++;
        }
    };

    @Override
    public void onPayload(PayloadBatch batch) {
        while (batch.next()) {
            batch.copyData(data);
            boolean gapped = (batch.flags() & McpRecordLayout.FLAG_LEN_UNKNOWN) != 0
                    || batch.headLen() + batch.tailLen() < batch.len();
            feed(batch.tgid(), batch.tid(), batch.fd(), batch.dir(), batch.tsNs(), batch.threadSyscallNs(),
                    batch.threadWaitNs(), data, batch.headLen(), batch.tailLen(), gapped);
        }
    }

    /**
     * Decodes one read or write: for tests and replays, and what {@link #onPayload} does per record.
     *
     * @param data head bytes then tail bytes; only read during this call
     */
    public void feed(int tgid, int tid, int fd, int dir, long tsNs, long threadSyscallNs, long threadWaitNs,
            byte[] data, int headLen, int tailLen, boolean gapped) {
        records++;
        curTgid = tgid;
        curTid = tid;
        curFd = fd;
        curDir = dir;
        curTs = tsNs;
        curSyscallNs = threadSyscallNs;
        curWaitNs = threadWaitNs;
        StreamKey key = new StreamKey(tgid, fd, dir);
        StreamDecoder stream = streams.get(key);
        if (stream == null) {
            if (streams.size() >= MAX_STREAMS) {
                Iterator<StreamDecoder> eldest = streams.values().iterator();
                if (eldest.next().carried() > 0) {
                    undecodable++; // its unfinished message is given up
                }
                eldest.remove();
            }
            stream = new StreamDecoder(scanner);
            streams.put(key, stream);
        }
        stream.feed(data, headLen, tailLen, gapped, sink);
    }

    private void onMessage(McpMessage m) {
        boolean read = curDir == McpRecordLayout.DIR_READ;
        // stdin and stdout are one connection; a socket is read and written through one descriptor.
        int conn = curFd <= 1 ? -1 : curFd;
        switch (m.kind()) {
            case REQUEST -> {
                if (read) {
                    requestRead(m, conn);
                }
                // A request the traced process writes is its client side: not measured here.
            }
            case NOTIFICATION -> {
                if (read) {
                    String name = name(m.method());
                    long[] n = notifications.get(name);
                    if (n == null && notifications.size() >= MAX_METHODS - 1) {
                        n = notifications.computeIfAbsent(OTHER, k -> new long[1]);
                    } else if (n == null) {
                        n = notifications.computeIfAbsent(name, k -> new long[1]);
                    }
                    n[0]++;
                }
            }
            case RESPONSE -> {
                if (!read) {
                    responseWritten(m, conn);
                }
            }
        }
    }

    private void requestRead(McpMessage m, int conn) {
        String method = name(m.method());
        String tool = method.equals("tools/call") && m.tool() != null ? name(m.tool()) : null;
        MethodKey key = methodKey(method, tool);
        PairKey pair = new PairKey(curTgid, conn, m.id());
        InFlight previous = inFlight.remove(pair);
        if (previous != null) {
            unpaired(previous); // its id was reused before it was answered
        } else if (inFlight.size() >= MAX_IN_FLIGHT) {
            Iterator<InFlight> eldest = inFlight.values().iterator();
            unpaired(eldest.next());
            eldest.remove();
        }
        InFlight req = new InFlight(key, curTs, curTid, curSyscallNs, curWaitNs);
        List<InFlight> open = openByThread.get(curTid);
        if (open == null) {
            if (openByThread.size() >= MAX_THREADS) {
                Iterator<List<InFlight>> eldest = openByThread.values().iterator();
                eldest.next().forEach(r -> r.overlapped = true); // no longer tracked: not attributable
                eldest.remove();
            }
            open = new ArrayList<>(2);
            openByThread.put(curTid, open);
        }
        if (!open.isEmpty()) {
            req.overlapped = true;
            open.forEach(r -> r.overlapped = true);
        }
        if (open.size() < MAX_OPEN_PER_THREAD) {
            open.add(req);
        } else {
            req.overlapped = true;
        }
        inFlight.put(pair, req);
    }

    private void responseWritten(McpMessage m, int conn) {
        InFlight req = inFlight.remove(new PairKey(curTgid, conn, m.id()));
        if (req == null) {
            unpairedResponses++;
            return;
        }
        closeOnThread(req);
        long latency = Math.max(0, curTs - req.startNs);
        boolean attributable = !req.overlapped && req.tid == curTid;
        count(methods.get(req.method), req, latency, m.error(), attributable);
        if (req.method.method().equals("tools/call")) {
            count(toolsCall, req, latency, m.error(), attributable);
        }
        if (!attributable) {
            unattributed++;
            unattributedNs += latency;
        }
    }

    private void count(MethodStats stats, InFlight req, long latency, boolean error, boolean attributable) {
        stats.latency.recordValue(Math.min(Math.max(latency, 1), HIGHEST_NS));
        if (error) {
            stats.errors++;
        }
        if (attributable) {
            stats.attributed++;
            stats.syscallNs += Math.max(0, curSyscallNs - req.syscallNs);
            stats.waitNs += Math.max(0, curWaitNs - req.waitNs);
            stats.attributedLatencyNs += latency;
        }
    }

    private void unpaired(InFlight req) {
        closeOnThread(req);
        methods.get(req.method).unpaired++;
        if (req.method.method().equals("tools/call")) {
            toolsCall.unpaired++;
        }
    }

    private void closeOnThread(InFlight req) {
        List<InFlight> open = openByThread.get(req.tid);
        if (open != null) {
            open.remove(req);
        }
    }

    private MethodKey methodKey(String method, String tool) {
        MethodKey key = new MethodKey(method, tool);
        if (!methods.containsKey(key)) {
            if (methods.size() >= MAX_METHODS - 1) { // one row left for (other)
                key = new MethodKey(OTHER, null);
            }
            methods.computeIfAbsent(key, k -> new MethodStats());
        }
        return key;
    }

    /** A name as printed: printable ASCII, at most MAX_NAME characters. */
    private static String name(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return INVALID_NAME;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return INVALID_NAME;
            }
        }
        return s;
    }

    /** Records decoded so far. */
    public long records() {
        return records;
    }

    /**
     * The view now; requests still in flight are reported as such.
     *
     * @param payloadDropped  the kernel's count of payload records lost (ring full)
     * @param payloadFiltered the kernel's count of reads/writes filtered out
     */
    public McpSnapshot snapshot(long payloadDropped, long payloadFiltered) {
        Map<MethodKey, Long> flying = new HashMap<>();
        inFlight.values().forEach(r -> flying.merge(r.method, 1L, Long::sum));
        List<McpSnapshot.Method> rows = new ArrayList<>();
        long requests = 0, errors = 0, unpaired = 0, inFlightTotal = 0;
        long toolsCallFlying = 0;
        for (Map.Entry<MethodKey, MethodStats> e : methods.entrySet()) {
            MethodStats s = e.getValue();
            long flyingHere = flying.getOrDefault(e.getKey(), 0L);
            McpSnapshot.Method row = row(e.getKey().method(), e.getKey().tool(), s, flyingHere);
            rows.add(row);
            requests += row.count();
            errors += s.errors;
            unpaired += s.unpaired;
            inFlightTotal += flyingHere;
            if (e.getKey().method().equals("tools/call")) {
                toolsCallFlying += flyingHere;
            }
        }
        rows.sort(Comparator.comparingLong(McpSnapshot.Method::count).reversed()
                .thenComparing(McpSnapshot.Method::label));
        List<McpSnapshot.Notification> notes = new ArrayList<>();
        long notificationCount = 0;
        for (Map.Entry<String, long[]> e : notifications.entrySet()) {
            notes.add(new McpSnapshot.Notification(e.getKey(), e.getValue()[0]));
            notificationCount += e.getValue()[0];
        }
        notes.sort(Comparator.comparingLong(McpSnapshot.Notification::count).reversed()
                .thenComparing(McpSnapshot.Notification::method));
        McpSnapshot.Method allTools = toolsCall.latency.getTotalCount() + toolsCall.unpaired + toolsCallFlying == 0 ? null
                : row("tools/call", null, toolsCall, toolsCallFlying);
        return new McpSnapshot(List.copyOf(rows), List.copyOf(notes), allTools, new McpSnapshot.Totals(requests, errors, unpaired,
                inFlightTotal, notificationCount, unpairedResponses, undecodable, unattributed, unattributedNs,
                records, payloadDropped, payloadFiltered));
    }

    private static McpSnapshot.Method row(String method, String tool, MethodStats s, long inFlight) {
        Histogram h = s.latency;
        long n = h.getTotalCount();
        return new McpSnapshot.Method(method, tool, n, s.errors, s.unpaired, inFlight,
                n == 0 ? 0 : h.getValueAtPercentile(50), n == 0 ? 0 : h.getValueAtPercentile(90),
                n == 0 ? 0 : h.getValueAtPercentile(99), n == 0 ? 0 : h.getValueAtPercentile(99.9),
                n == 0 ? 0 : h.getMaxValue(), s.attributed, s.syscallNs, s.waitNs, s.attributedLatencyNs);
    }

    @Override
    public String toString() {
        return "McpTracker[" + records + " records, " + inFlight.size() + " in flight, " + methods.size() + " methods]";
    }
}
