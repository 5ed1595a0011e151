package dev.mcplatencyprobe.bench.mcp.stress;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything one phase of a run counts (the warm-up gets its own Tally, thrown away): per server and
 * per request kind ("row"), a latency {@link Recorder} that any thread records into without locks,
 * and a counter per {@link Outcome}; plus session and notification counts.
 *
 * <p>Latencies are nanoseconds, 3 significant digits, in auto-resizing histograms. Only the
 * reporting thread calls {@link #collectInterval}, which moves what the recorders hold since its
 * last call into each row's cumulative histogram; summaries merge those histograms (adding counts,
 * never averaging percentiles).
 */
final class Tally {
    static final int SIGNIFICANT_DIGITS = 3;

    static final String INITIALIZE = "initialize";
    static final String TOOLS_LIST = "tools/list";
    static final String PING = "ping";
    static final String CALL_PREFIX = "tools/call ";
    static final String BAD_UNKNOWN_TOOL = "bad: unknown tool";
    static final String BAD_INVALID_ARGUMENTS = "bad: invalid arguments";

    /** One request kind on one server. */
    static final class Row {
        final String server;
        final String method;
        final boolean expectsRejection;
        private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
        private final Histogram cumulative = new Histogram(SIGNIFICANT_DIGITS);
        /** Handed back to the recorder on the next interval, so collecting allocates nothing. */
        private Histogram spare;
        private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);

        Row(String server, String method, boolean expectsRejection) {
            this.server = server;
            this.method = method;
            this.expectsRejection = expectsRejection;
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new LongAdder());
            }
        }

        /** Any thread: one completed request. */
        void record(long latencyNanos, Outcome outcome) {
            recorder.recordValue(Math.max(1, latencyNanos));
            outcomes.get(outcome).increment();
        }

        long count(Outcome o) {
            return outcomes.get(o).sum();
        }

        long count() {
            long n = 0;
            for (LongAdder a : outcomes.values()) {
                n += a.sum();
            }
            return n;
        }

        long unexpected() {
            long n = 0;
            for (Outcome o : Outcome.values()) {
                if (o.unexpected()) {
                    n += count(o);
                }
            }
            return n;
        }

        /** Reporting thread only. */
        Histogram histogram() {
            return cumulative;
        }
    }

    private final Map<String, Map<String, Row>> rowsByServer = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder sessionsFailed = new LongAdder();
    final LongAdder sessionsClosed = new LongAdder();
    final LongAdder notificationsSent = new LongAdder();
    final LongAdder notificationsFailed = new LongAdder();
    /** Open loop: arrivals not sent because --max-in-flight requests were already waiting. */
    final LongAdder unsent = new LongAdder();
    /** Requests still unanswered when the run gave up waiting for them. */
    final LongAdder abandoned = new LongAdder();
    private final Histogram interval = new Histogram(SIGNIFICANT_DIGITS);

    /** Rows for one server: the session requests, ping, one per callable tool, the bad calls. */
    Tally addServer(String server, List<String> tools) {
        Map<String, Row> m = new LinkedHashMap<>();
        List<String> methods = new ArrayList<>(List.of(INITIALIZE, TOOLS_LIST, PING));
        for (String t : tools) {
            methods.add(CALL_PREFIX + t);
        }
        for (String method : methods) {
            m.put(method, new Row(server, method, false));
        }
        m.put(BAD_UNKNOWN_TOOL, new Row(server, BAD_UNKNOWN_TOOL, true));
        m.put(BAD_INVALID_ARGUMENTS, new Row(server, BAD_INVALID_ARGUMENTS, true));
        rowsByServer.put(server, Collections.unmodifiableMap(m));
        rows.addAll(m.values());
        return this;
    }

    Row row(String server, String method) {
        Row r = rowsByServer.get(server).get(method);
        if (r == null) {
            throw new IllegalArgumentException("no row " + method + " for " + server);
        }
        return r;
    }

    List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    List<String> servers() {
        return List.copyOf(rowsByServer.keySet());
    }

    List<Row> rows(String server) {
        return List.copyOf(rowsByServer.get(server).values());
    }

    /**
     * Reporting thread only: moves every recorder's values since the last call into the rows'
     * cumulative histograms, and returns them merged (this interval, all rows); the histogram returned
     * is reused by the next call.
     */
    Histogram collectInterval() {
        interval.reset();
        for (Row r : rows) {
            r.spare = r.recorder.getIntervalHistogram(r.spare);
            r.cumulative.add(r.spare);
            interval.add(r.spare);
        }
        return interval;
    }

    long unexpectedErrors() {
        // A failed session open is already counted in its initialize row.
        long n = notificationsFailed.sum() + unsent.sum() + abandoned.sum();
        for (Row r : rows) {
            n += r.unexpected();
        }
        return n;
    }

    long requests() {
        long n = 0;
        for (Row r : rows) {
            n += r.count();
        }
        return n;
    }

    /** The merged histogram of the given rows (their cumulative histograms added). */
    static Histogram merged(List<Row> rows) {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        for (Row r : rows) {
            h.add(r.histogram());
        }
        return h;
    }
}
