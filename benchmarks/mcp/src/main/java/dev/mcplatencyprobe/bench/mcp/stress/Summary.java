package dev.mcplatencyprobe.bench.mcp.stress;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The result of a run, frozen: what the text table and the JSON file both render. Latencies are
 * nanoseconds; percentiles of a group of rows come from their merged histograms.
 */
record Summary(
        String mode,
        int concurrency,
        OptionalDouble rate,
        double durationSeconds,
        double warmupSeconds,
        long seed,
        String mix,
        Instant startedAt,
        List<TargetInfo> targets,
        List<RowStats> rows,
        List<RowStats> serverTotals,
        RowStats overall,
        Errors errors,
        BadCalls badCalls,
        Sessions sessions,
        Cpu cpu,
        List<String> errorSamples) {

    /** A server as the run saw it; {@code cpuNanos} is empty when no PID of it was known. */
    /**
     * @param tools        the tools called
     * @param skippedTools tools not called, each with why (arguments that cannot be made up)
     * @param callsFile    the --calls file that drove the tools, or null
     */
    record TargetInfo(String name, String transport, String endpoint, List<String> tools, List<String> skippedTools, String callsFile,
                      List<Long> pids, OptionalLong cpuNanos) {
    }

    record Latency(long p50, long p90, long p99, long p999, long max) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    /** One row of the table: a method on a server, a server's total, or everything. */
    record RowStats(String server, String method, long count, double perSecond, Latency latency,
                    Map<Outcome, Long> outcomes, long unexpected) {
    }

    /** Unexpected errors by kind; {@code total()} is what decides the exit code. */
    record Errors(long protocol, long tool, long transport, long timeout, long badCallsAccepted,
                  long notificationsFailed, long strayStdoutLines, long unsent, long abandoned) {
        long total() {
            return protocol + tool + transport + timeout + badCallsAccepted + notificationsFailed + strayStdoutLines + unsent + abandoned;
        }
    }

    /** Deliberately bad calls: how many were sent and how the servers turned them down. */
    record BadCalls(long sent, long rejectedAsProtocolError, long rejectedAsToolError, long accepted, long failed) {
    }

    record Sessions(long openedAtStart, long opened, long failed, long closed, long notificationsSent) {
    }

    /** CPU time over the measured window (warm-up excluded), next to that window's wall time. */
    record Cpu(double wallSeconds, long loadGeneratorNanos, OptionalLong serversNanos, Map<Long, Long> extraPidNanos) {
        double loadGeneratorCores() {
            return loadGeneratorNanos / 1e9 / wallSeconds;
        }

        OptionalDouble serverCores() {
            return serversNanos.isPresent() ? OptionalDouble.of(serversNanos.getAsLong() / 1e9 / wallSeconds) : OptionalDouble.empty();
        }

        /** Load generator CPU per unit of server CPU: well below 1 means the generator was not the bottleneck. */
        OptionalDouble generatorToServers() {
            return serversNanos.isPresent() && serversNanos.getAsLong() > 0
                    ? OptionalDouble.of((double) loadGeneratorNanos / serversNanos.getAsLong()) : OptionalDouble.empty();
        }
    }

    static final String ALL = "(all)";

    /** Builds rows and totals from a collected tally (its histograms complete, nothing in flight). */
    static Summary of(StressOptions o, long seed, Instant startedAt, double durationSeconds, Tally t, long openedAtStart,
                      List<TargetInfo> targets, Cpu cpu, long strayStdoutLines, Map<String, Long> samples) {
        List<RowStats> rows = new ArrayList<>();
        List<RowStats> totals = new ArrayList<>();
        for (String server : t.servers()) {
            List<Tally.Row> serverRows = t.rows(server);
            for (Tally.Row r : serverRows) {
                rows.add(stats(server, r.method, List.of(r), durationSeconds));
            }
            totals.add(stats(server, ALL, serverRows, durationSeconds));
        }
        RowStats overall = stats(ALL, ALL, t.rows(), durationSeconds);

        Map<Outcome, Long> all = overall.outcomes();
        Errors errors = new Errors(all.get(Outcome.PROTOCOL_ERROR), all.get(Outcome.TOOL_ERROR), all.get(Outcome.TRANSPORT_ERROR),
                all.get(Outcome.TIMEOUT), all.get(Outcome.BAD_CALL_ACCEPTED), t.notificationsFailed.sum(), strayStdoutLines,
                t.unsent.sum(), t.abandoned.sum());
        long badSent = 0;
        long badFailed = 0;
        for (Tally.Row r : t.rows()) {
            if (r.expectsRejection) {
                badSent += r.count();
                badFailed += r.count(Outcome.PROTOCOL_ERROR) + r.count(Outcome.TRANSPORT_ERROR) + r.count(Outcome.TIMEOUT);
            }
        }
        BadCalls bad = new BadCalls(badSent, all.get(Outcome.REJECTED_AS_PROTOCOL_ERROR), all.get(Outcome.REJECTED_AS_TOOL_ERROR),
                all.get(Outcome.BAD_CALL_ACCEPTED), badFailed);
        Sessions sessions = new Sessions(openedAtStart, t.sessionsOpened.sum(), t.sessionsFailed.sum(), t.sessionsClosed.sum(),
                t.notificationsSent.sum());
        List<String> sampleLines = new ArrayList<>();
        samples.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(5)
                .forEach(e -> sampleLines.add(e.getValue() + " x " + e.getKey()));
        return new Summary(o.openLoop() ? "open" : "closed", o.concurrency(), o.rate(), durationSeconds,
                o.warmup().toNanos() / 1e9, seed, o.mix().spec(), startedAt, List.copyOf(targets), Collections.unmodifiableList(rows),
                Collections.unmodifiableList(totals), overall, errors, bad, sessions, cpu, List.copyOf(sampleLines));
    }

    private static RowStats stats(String server, String method, List<Tally.Row> rows, double seconds) {
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            long n = 0;
            for (Tally.Row r : rows) {
                n += r.count(o);
            }
            outcomes.put(o, n);
        }
        long count = 0;
        long unexpected = 0;
        for (Map.Entry<Outcome, Long> e : outcomes.entrySet()) {
            count += e.getValue();
            if (e.getKey().unexpected()) {
                unexpected += e.getValue();
            }
        }
        return new RowStats(server, method, count, count / seconds, Latency.of(Tally.merged(rows)),
                Collections.unmodifiableMap(outcomes), unexpected);
    }
}
