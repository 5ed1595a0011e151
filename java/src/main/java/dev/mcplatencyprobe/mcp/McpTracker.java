package dev.mcplatencyprobe.mcp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.syscall.Syscalls;
import org.HdrHistogram.Histogram;

/**
 * Decodes the --mcp payload records into JSON-RPC messages per stream and pairs, on the server
 * side, each request read by a traced process with the response it writes on the same connection
 * (a socket's file descriptor; stdin and stdout count as one). What cannot be paired is counted,
 * never guessed. Everything it holds is bounded whatever the traced processes write: streams,
 * requests in flight, threads and distinct method names each have a limit, and what passes it is
 * evicted (and counted) or grouped under {@code (other)}.
 *
 * <p>The syscall time inside a request comes from the main ring's syscall records: those of the
 * thread that read the request which started after the read and ended before the response was
 * written ({@link #onSyscalls}). It is attributed when that thread also wrote the response and no
 * other request was in flight on it meanwhile; a syscall inside several requests of one thread is
 * attributed to none. A request's figures are settled {@link #SETTLE_POLLS} polls after its
 * response, when the syscall records that end before it have all arrived, whichever ring they came
 * through first. Requests that cannot be attributed exactly are counted as unattributed, with their
 * time: never guessed.
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
    /**
     * Polls after the one that delivered a response before its syscall time is final: a syscall that
     * ended before the response may come one poll later (drained before the response was written),
     * or two when a record reserved earlier on another CPU was not yet committed at the first drain.
     */
    static final int SETTLE_POLLS = 2;
    /** Distinct syscalls kept per request; the rest are summed under {@link #OTHER_SYSCALL}. */
    private static final int SYSCALLS_PER_REQUEST = 16;
    /** The top-syscalls key of the syscalls past {@link #SYSCALLS_PER_REQUEST} in one request. */
    public static final int OTHER_SYSCALL = -1;
    private static final int MAX_NAME = 64;
    private static final long HIGHEST_NS = 3_600_000_000_000L;
    /** 1% resolution: about 30 KB per method up to an hour, against 500 KB with 3 digits (MAX_METHODS of them). */
    private static final int SIGNIFICANT_DIGITS = 2;
    static final String OTHER = "(other)";
    static final String INVALID_NAME = "(invalid name)";
    /** Tools every call of which failed that keep a row each; more share one (snapshot only). */
    static final int MAX_FAILED_TOOL_ROWS = 4;
    static final String FAILED_TOOLS = ", every call failed)";

    private record StreamKey(int tgid, int fd, int dir) {}

    private record PairKey(int tgid, int conn, String id) {}

    private record IdKey(int tgid, String id) {}

    private record MethodKey(String method, String tool) {}

    private static final class InFlight {
        final MethodKey method;
        final long startNs;
        final int tid;
        /** When the response was written; MAX_VALUE while unanswered. */
        long endNs = Long.MAX_VALUE;
        long answeredPoll;
        boolean overlapped;
        /** The process wrote it on to another (it is a gateway): not counted as its own. */
        boolean forwarded;
        /**
         * Answered on another thread than it was read on, or its read or write record came after
         * syscall records later than it (so some of its syscalls went by unseen): not attributable.
         */
        boolean inexact;
        long syscallNs;
        long waitNs;
        /** Syscall number and time of the syscalls inside it, sparse; OTHER_SYSCALL past the cap. */
        int[] nrs;
        long[] nsByNr;
        int distinct;

        InFlight(MethodKey method, long startNs, int tid) {
            this.method = method;
            this.startNs = startNs;
            this.tid = tid;
        }

        void addSyscall(int nr, long ns, boolean wait) {
            if (wait) {
                waitNs += ns;
            } else {
                syscallNs += ns;
            }
            if (nrs == null) {
                nrs = new int[4];
                nsByNr = new long[4];
            }
            if (add(nr, ns)) {
                return;
            }
            int key = distinct >= SYSCALLS_PER_REQUEST - 1 ? OTHER_SYSCALL : nr;
            if (key == OTHER_SYSCALL && add(key, ns)) {
                return;
            }
            if (distinct == nrs.length) {
                nrs = java.util.Arrays.copyOf(nrs, distinct * 2);
                nsByNr = java.util.Arrays.copyOf(nsByNr, distinct * 2);
            }
            nrs[distinct] = key;
            nsByNr[distinct++] = ns;
        }

        private boolean add(int nr, long ns) {
            for (int i = 0; i < distinct; i++) {
                if (nrs[i] == nr) {
                    nsByNr[i] += ns;
                    return true;
                }
            }
            return false;
        }
    }

    /** The requests read on one thread and not yet settled, in the order they were read. */
    private static final class ThreadRequests {
        final List<InFlight> requests = new ArrayList<>(2);
    }

    private static final class MethodStats {
        final Histogram latency = new Histogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS);
        long errors;
        long unpaired;
        long attributed;
        long syscallNs;
        long waitNs;
        long attributedLatencyNs;
        /** Syscall number (or OTHER_SYSCALL) -> time inside the attributed requests. */
        final Map<Integer, long[]> syscallTime = new HashMap<>();

        void merge(MethodStats o) {
            latency.add(o.latency);
            errors += o.errors;
            unpaired += o.unpaired;
            attributed += o.attributed;
            syscallNs += o.syscallNs;
            waitNs += o.waitNs;
            attributedLatencyNs += o.attributedLatencyNs;
            o.syscallTime.forEach((nr, ns) -> syscallTime.computeIfAbsent(nr, k -> new long[1])[0] += ns[0]);
        }

        void addSyscallTimes(InFlight req) {
            for (int i = 0; i < req.distinct; i++) {
                syscallTime.computeIfAbsent(req.nrs[i], k -> new long[1])[0] += req.nsByNr[i];
            }
        }
    }

    private final JsonRpcScanner scanner = new JsonRpcScanner();
    private final Map<StreamKey, StreamDecoder> streams = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<PairKey, InFlight> inFlight = new LinkedHashMap<>();
    /** The same requests by process and id, whatever the connection: a gateway's forwarding is found by it. */
    private final Map<IdKey, List<InFlight>> byId = new HashMap<>();
    private long forwarded;
    private final Map<Integer, ThreadRequests> openByThread = new LinkedHashMap<>(64, 0.75f, true);
    /** Answered requests whose syscall time is not settled yet, oldest first. */
    private final java.util.ArrayDeque<InFlight> settling = new java.util.ArrayDeque<>();
    private final Syscalls syscalls;
    private final boolean[] blockingWait;
    private long polls;
    /** The latest end of any syscall record seen: a payload record earlier than it came late. */
    private long latestSyscallEndNs = Long.MIN_VALUE;
    private long unattributedSyscallNs;
    /** Syscall time inside two or more requests of one thread at once: attributed to none. */
    private long sharedSyscallNs;
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

    /** Blocking waits as {@link Syscalls#forCurrentArch()} says. */
    public McpTracker() {
        this(Syscalls.forCurrentArch());
    }

    public McpTracker(Syscalls table) {
        syscalls = table;
        blockingWait = new boolean[table.tableSize()];
        for (int nr = 0; nr < blockingWait.length; nr++) {
            blockingWait[nr] = table.isBlockingWait(nr);
        }
    }

    @Override
    public void onPayload(PayloadBatch batch) {
        while (batch.next()) {
            batch.copyData(data);
            boolean gapped = (batch.flags() & McpRecordLayout.FLAG_LEN_UNKNOWN) != 0
                    || batch.headLen() + batch.tailLen() < batch.len();
            feed(batch.tgid(), batch.tid(), batch.fd(), batch.dir(), batch.tsNs(), data, batch.headLen(),
                    batch.tailLen(), gapped);
        }
    }

    /**
     * Decodes one read or write: for tests and replays, and what {@link #onPayload} does per record.
     *
     * @param data head bytes then tail bytes; only read during this call
     */
    public void feed(int tgid, int tid, int fd, int dir, long tsNs, byte[] data, int headLen, int tailLen,
            boolean gapped) {
        records++;
        curTgid = tgid;
        curTid = tid;
        curFd = fd;
        curDir = dir;
        curTs = tsNs;
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
                // A request the traced process writes is its client side: not measured here, but
                // if it passes on one it read (same id and method), it is a gateway in front of a server.
                if (!read) {
                    requestWritten(m);
                }
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

    private void requestWritten(McpMessage m) {
        List<InFlight> same = byId.get(new IdKey(curTgid, m.id()));
        if (same != null) {
            String method = name(m.method());
            for (InFlight read : same) { // sessions number their ids alike: the oldest not yet passed on
                if (!read.forwarded && read.method.method().equals(method)) {
                    read.forwarded = true;
                    return;
                }
            }
        }
    }

    private InFlight removeInFlight(PairKey pair) {
        InFlight req = inFlight.remove(pair);
        if (req != null) {
            IdKey key = new IdKey(pair.tgid(), pair.id());
            List<InFlight> same = byId.get(key);
            if (same != null && same.remove(req) && same.isEmpty()) {
                byId.remove(key);
            }
        }
        return req;
    }

    private void requestRead(McpMessage m, int conn) {
        String method = name(m.method());
        String tool = method.equals("tools/call") && m.tool() != null ? name(m.tool()) : null;
        MethodKey key = methodKey(method, tool);
        PairKey pair = new PairKey(curTgid, conn, m.id());
        InFlight previous = removeInFlight(pair);
        if (previous != null) {
            unpaired(previous); // its id was reused before it was answered
        } else if (inFlight.size() >= MAX_IN_FLIGHT) {
            Map.Entry<PairKey, InFlight> eldest = inFlight.entrySet().iterator().next();
            removeInFlight(eldest.getKey());
            unpaired(eldest.getValue());
        }
        InFlight req = new InFlight(key, curTs, curTid);
        // Syscall records later than this read were taken before it: its syscalls are not all counted.
        req.inexact = curTs < latestSyscallEndNs;
        ThreadRequests open = openByThread.get(curTid);
        if (open == null) {
            if (openByThread.size() >= MAX_THREADS) {
                Iterator<ThreadRequests> eldest = openByThread.values().iterator();
                eldest.next().requests.forEach(r -> r.overlapped = true); // no longer tracked: not attributable
                eldest.remove();
            }
            open = new ThreadRequests();
            openByThread.put(curTid, open);
        }
        for (InFlight other : open.requests) {
            if (other.endNs > curTs) { // still unanswered when this one was read
                req.overlapped = true;
                other.overlapped = true;
            }
        }
        if (open.requests.size() < MAX_OPEN_PER_THREAD) {
            open.requests.add(req);
        } else {
            req.overlapped = true;
        }
        inFlight.put(pair, req);
        byId.computeIfAbsent(new IdKey(curTgid, m.id()), k -> new ArrayList<>(1)).add(req);
    }

    private void responseWritten(McpMessage m, int conn) {
        InFlight req = removeInFlight(new PairKey(curTgid, conn, m.id()));
        if (req == null) {
            unpairedResponses++;
            return;
        }
        if (req.forwarded) {
            forwarded++; // the server behind the gateway answered it: measured there, if traced
            closeOnThread(req);
            return;
        }
        long latency = Math.max(0, curTs - req.startNs);
        MethodStats stats = methods.get(req.method);
        record(stats, latency, m.error());
        if (req.method.method().equals("tools/call")) {
            record(toolsCall, latency, m.error());
        }
        req.endNs = curTs;
        req.answeredPoll = polls;
        // Answered on another thread, or syscall records later than the write came first: not exact.
        req.inexact |= req.tid != curTid || curTs < latestSyscallEndNs;
        if (settling.size() >= MAX_IN_FLIGHT) {
            settle(settling.poll(), false); // over the cap: given up, not guessed
        }
        settling.add(req);
    }

    private static void record(MethodStats stats, long latency, boolean error) {
        stats.latency.recordValue(Math.min(Math.max(latency, 1), HIGHEST_NS));
        if (error) {
            stats.errors++;
        }
    }

    /**
     * The syscall records of one poll, after its payload records: each is added to the one request
     * of its thread it lies inside, then the requests answered {@link #SETTLE_POLLS} polls ago are
     * settled.
     */
    @Override
    public void onSyscalls(EventBatch batch) {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            syscall(batch.tid(i), batch.endNs(i), batch.latencyNs(i), batch.nr(i));
        }
        endOfPoll();
    }

    /** One completed syscall (start = end - latency); what {@link #onSyscalls} does per record. */
    public void syscall(int tid, long endNs, long latencyNs, int nr) {
        if (endNs > latestSyscallEndNs) {
            latestSyscallEndNs = endNs;
        }
        if (openByThread.isEmpty()) {
            return;
        }
        ThreadRequests open = openByThread.get(tid);
        if (open == null) {
            return;
        }
        long startNs = endNs - latencyNs;
        InFlight only = null;
        int inside = 0;
        for (InFlight r : open.requests) {
            if (startNs >= r.startNs && endNs <= r.endNs) {
                only = r;
                inside++;
            }
        }
        if (inside == 1) {
            only.addSyscall(nr, latencyNs, isWait(nr));
        } else if (inside > 1) {
            sharedSyscallNs += latencyNs;
        }
    }

    /** The end of a poll: settles the requests answered SETTLE_POLLS polls ago. */
    public void endOfPoll() {
        polls++;
        while (!settling.isEmpty() && polls - settling.peek().answeredPoll > SETTLE_POLLS) {
            settle(settling.poll(), true);
        }
    }

    private void settle(InFlight req, boolean complete) {
        closeOnThread(req);
        long latency = Math.max(0, req.endNs - req.startNs);
        boolean attributable = complete && !req.overlapped && !req.inexact;
        if (attributable) {
            attribute(methods.get(req.method), req, latency);
            if (req.method.method().equals("tools/call")) {
                attribute(toolsCall, req, latency);
            }
        } else {
            unattributed++;
            unattributedNs += latency;
            unattributedSyscallNs += req.syscallNs + req.waitNs;
        }
    }

    private static void attribute(MethodStats stats, InFlight req, long latency) {
        stats.attributed++;
        stats.syscallNs += req.syscallNs;
        stats.waitNs += req.waitNs;
        stats.attributedLatencyNs += latency;
        stats.addSyscallTimes(req);
    }

    private void unpaired(InFlight req) {
        closeOnThread(req);
        if (req.forwarded) {
            forwarded++; // a gateway's: whether its answer was seen there, the server behind it counts it
            return;
        }
        methods.get(req.method).unpaired++;
        if (req.method.method().equals("tools/call")) {
            toolsCall.unpaired++;
        }
    }

    private void closeOnThread(InFlight req) {
        ThreadRequests open = openByThread.get(req.tid);
        if (open != null) {
            open.requests.remove(req);
            if (open.requests.isEmpty()) {
                openByThread.remove(req.tid); // only threads with a request to attribute are looked up
            }
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

    /**
     * The final view, once the consumer drained its last poll after the run's end: every answered
     * request is settled, since the syscalls that ended before its response were drained by then.
     */
    public McpSnapshot finish(long payloadDropped, long payloadFiltered) {
        while (!settling.isEmpty()) {
            settle(settling.poll(), true);
        }
        return snapshot(payloadDropped, payloadFiltered);
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
        long forwardedInFlight = 0;
        for (InFlight r : inFlight.values()) {
            if (r.forwarded) {
                forwardedInFlight++;
            } else {
                flying.merge(r.method, 1L, Long::sum);
            }
        }
        List<McpSnapshot.Method> rows = new ArrayList<>();
        long requests = 0, errors = 0, unpaired = 0, inFlightTotal = 0;
        long toolsCallFlying = 0;
        // Past a few, tools every call of which was answered with an error (a client probing unknown
        // names) share one row: one row each would bury the real tools.
        List<MethodKey> failed = new ArrayList<>();
        for (Map.Entry<MethodKey, MethodStats> e : methods.entrySet()) {
            MethodStats s = e.getValue();
            long answered = s.latency.getTotalCount();
            if (e.getKey().tool() != null && answered > 0 && s.errors == answered && s.unpaired == 0
                    && !flying.containsKey(e.getKey())) {
                failed.add(e.getKey());
            }
        }
        java.util.Set<MethodKey> grouped = failed.size() > MAX_FAILED_TOOL_ROWS ? new java.util.HashSet<>(failed) : java.util.Set.of();
        MethodStats failedTools = new MethodStats();
        int failedToolCount = 0;
        for (Map.Entry<MethodKey, MethodStats> e : methods.entrySet()) {
            MethodStats s = e.getValue();
            long flyingHere = flying.getOrDefault(e.getKey(), 0L);
            long answered = s.latency.getTotalCount();
            if (grouped.contains(e.getKey())) {
                failedTools.merge(s);
                failedToolCount++;
                requests += answered;
                errors += s.errors;
                continue;
            }
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
        if (failedToolCount > 0) {
            rows.add(row("tools/call", "(" + failedToolCount + " tools" + FAILED_TOOLS, failedTools, 0));
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
        // Answered, not settled yet: not attributed (yet), with their time.
        long settlingNs = 0, settlingSyscallNs = 0;
        for (InFlight r : settling) {
            settlingNs += Math.max(0, r.endNs - r.startNs);
            settlingSyscallNs += r.syscallNs + r.waitNs;
        }
        return new McpSnapshot(List.copyOf(rows), List.copyOf(notes), allTools, new McpSnapshot.Totals(requests, errors, unpaired,
                inFlightTotal, notificationCount, unpairedResponses, undecodable, unattributed + settling.size(),
                unattributedNs + settlingNs, records, payloadDropped, payloadFiltered,
                unattributedSyscallNs + settlingSyscallNs, sharedSyscallNs, settling.size(), forwarded + forwardedInFlight));
    }

    /** Top syscalls per method in the snapshot. */
    static final int TOP_SYSCALLS = 5;

    private McpSnapshot.Method row(String method, String tool, MethodStats s, long inFlight) {
        Histogram h = s.latency;
        long n = h.getTotalCount();
        List<McpSnapshot.SyscallTime> top = new ArrayList<>();
        s.syscallTime.entrySet().stream()
                .sorted(Map.Entry.<Integer, long[]>comparingByValue((a, b) -> Long.compare(b[0], a[0]))
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_SYSCALLS)
                .forEach(e -> top.add(new McpSnapshot.SyscallTime(syscallName(e.getKey()), isWait(e.getKey()), e.getValue()[0])));
        return new McpSnapshot.Method(method, tool, n, s.errors, s.unpaired, inFlight,
                n == 0 ? 0 : h.getValueAtPercentile(50), n == 0 ? 0 : h.getValueAtPercentile(90),
                n == 0 ? 0 : h.getValueAtPercentile(99), n == 0 ? 0 : h.getValueAtPercentile(99.9),
                n == 0 ? 0 : h.getMaxValue(), s.attributed, s.syscallNs, s.waitNs, s.attributedLatencyNs,
                List.copyOf(top), h.copy());
    }

    private boolean isWait(int nr) {
        return nr >= 0 && nr < blockingWait.length && blockingWait[nr];
    }

    private String syscallName(int nr) {
        return nr == OTHER_SYSCALL ? OTHER : syscalls.name(nr);
    }

    @Override
    public String toString() {
        return "McpTracker[" + records + " records, " + inFlight.size() + " in flight, " + methods.size() + " methods]";
    }
}
