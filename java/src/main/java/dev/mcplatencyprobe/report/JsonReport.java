package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.HistogramBucket;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.snapshot.Verdict;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The report as one JSON object on one line (no trailing newline), for machines: every count of
 * the text report and more. Latencies are integers in ns; without calls, percentiles are null.
 * Histogram rows are those of the text report, {@code lo} inclusive and {@code hi} exclusive in
 * microseconds ({@code lo} is null for the row of negative values).
 *
 * <p>The top-level counts, {@code percentiles_ns} and {@code histogram_us} cover every call. The
 * object {@code without_blocking_waits} holds the calls that are not blocking waits, with the
 * number and names of the syscalls left out ({@code excluded_syscalls} is null when the names are
 * not known: a report narrowed to some processes has no syscall table); {@code verdict},
 * {@code verdict_rule} and {@code action} are taken from it, which {@code verdict_basis} names.
 * Fields added later come after the older ones of their object, so that readers which rely on the
 * order keep working; the top-level {@code verdict} is the last field of that name in the line.
 * The last field of the report, of {@code without_blocking_waits} and of each syscall is its fine
 * histogram, {@code fine_histogram_ns} ({@link FineHistogramJson}): what {@code compare} tests with.
 */
public final class JsonReport {
    /** The object the verdict is taken from. */
    private static final String VERDICT_BASIS = "without_blocking_waits";

    public static String render(LatencySnapshot snapshot) {
        return render(snapshot, tgid -> null);
    }

    /** @param processNames name of a process by tgid, or null if unknown */
    public static String render(LatencySnapshot snapshot, IntFunction<String> processNames) {
        LatencyDistribution total = snapshot.total();
        LossCounters loss = snapshot.loss();
        Verdict verdict = snapshot.verdict();
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"report\":\"mcp_latency\"");
        field(out, "window", snapshot.kind().name().toLowerCase(Locale.ROOT));
        out.append(",\"window_s\":").append(BigDecimal.valueOf(snapshot.windowLengthNs(), 9)
                .stripTrailingZeros().toPlainString());
        field(out, "window_start_ns", snapshot.windowStartNs());
        field(out, "window_end_ns", snapshot.windowEndNs());
        out.append(",\"final\":").append(snapshot.isFinal());
        out.append(",\"subject\":");
        string(out, snapshot.subject().orElse(null));
        field(out, "total_calls", total.count());
        field(out, "errors", total.errorCount());
        field(out, "dropped", loss.dropped());
        field(out, "lost", loss.lost());
        out.append(",\"loss\":{\"emitted\":").append(loss.emitted());
        field(out, "dropped", loss.dropped());
        field(out, "orphan_exits", loss.orphanExits());
        field(out, "state_failures", loss.stateFailures());
        // emitted = recorded + dropped + unread (unread: still in the ring when the report was cut)
        field(out, "recorded", loss.recorded());
        field(out, "unread", loss.unread());
        out.append('}');
        field(out, "high_latency_calls", total.highLatencyCount());
        field(out, "threshold_ns", snapshot.thresholdNs());
        field(out, "sum_ns", total.sumNs());
        out.append(",\"min_ns\":").append(total.count() == 0 ? "null" : Long.toString(total.minNs()));
        out.append(",\"mean_ns\":").append(total.count() == 0 ? "null" : Long.toString(total.meanNs()));
        appendPercentiles(out, total);
        appendHistogram(out, total);
        appendSyscalls(out, snapshot);
        appendProcesses(out, snapshot, processNames);
        out.append(",\"verdict\":");
        string(out, verdict.name());
        out.append(",\"verdict_rule\":");
        string(out, snapshot.verdictRule());
        out.append(",\"action\":");
        string(out, snapshot.verdictAction());
        field(out, "verdict_basis", VERDICT_BASIS);
        appendWithoutWaits(out, snapshot);
        FineHistogramJson.append(out, total);
        out.append('}');
        return out.toString();
    }

    /** {@code "percentiles_ns":{p50,p90,p99,p999,max}}, nulls without calls. */
    private static void appendPercentiles(StringBuilder out, LatencyDistribution calls) {
        out.append(",\"percentiles_ns\":{");
        percentile(out, "p50", calls, 50);
        out.append(',');
        percentile(out, "p90", calls, 90);
        out.append(',');
        percentile(out, "p99", calls, 99);
        out.append(',');
        percentile(out, "p999", calls, 99.9);
        out.append(",\"max\":").append(calls.count() == 0 ? "null" : Long.toString(calls.maxNs()));
        out.append('}');
    }

    private static void appendWithoutWaits(StringBuilder out, LatencySnapshot snapshot) {
        LatencyDistribution calls = snapshot.withoutWaits();
        out.append(",\"").append(VERDICT_BASIS).append("\":{\"count\":").append(calls.count());
        field(out, "errors", calls.errorCount());
        field(out, "high_latency_calls", calls.highLatencyCount());
        appendPercentiles(out, calls);
        field(out, "excluded_calls", snapshot.blockingWaitCount());
        out.append(",\"excluded_syscalls\":");
        List<SyscallLatency> waits = snapshot.blockingWaits();
        if (waits.isEmpty() && snapshot.blockingWaitCount() > 0) {
            out.append("null");
        } else {
            out.append('[');
            String separator = "";
            for (SyscallLatency wait : waits) {
                out.append(separator);
                string(out, wait.name());
                separator = ",";
            }
            out.append(']');
        }
        FineHistogramJson.append(out, calls);
        out.append('}');
    }

    private static void appendHistogram(StringBuilder out, LatencyDistribution total) {
        out.append(",\"histogram_us\":[");
        String separator = "";
        for (HistogramBucket row : total.buckets()) {
            out.append(separator).append("{\"lo\":")
                    .append(row.isNegative() ? "null" : Long.toString(row.lowUs()))
                    .append(",\"hi\":").append(row.highUs())
                    .append(",\"count\":").append(row.count()).append('}');
            separator = ",";
        }
        out.append(']');
    }

    private static void appendSyscalls(StringBuilder out, LatencySnapshot snapshot) {
        out.append(",\"syscalls\":[");
        String separator = "";
        for (SyscallLatency s : snapshot.syscalls()) {
            LatencyDistribution latency = s.latency();
            out.append(separator).append("{\"name\":");
            string(out, s.name());
            field(out, "nr", s.nr());
            field(out, "count", latency.count());
            field(out, "errors", latency.errorCount());
            field(out, "p50_ns", latency.p50Ns());
            field(out, "p99_ns", latency.p99Ns());
            field(out, "max_ns", latency.maxNs());
            out.append(",\"blocking_wait\":").append(s.blockingWait());
            FineHistogramJson.append(out, latency);
            out.append('}');
            separator = ",";
        }
        out.append(']');
    }

    private static void appendProcesses(StringBuilder out, LatencySnapshot snapshot, IntFunction<String> names) {
        out.append(",\"processes\":[");
        String separator = "";
        for (ProcessLatency p : snapshot.processes()) {
            LatencyDistribution latency = p.latency();
            out.append(separator).append("{\"tgid\":").append(p.tgid());
            out.append(",\"name\":");
            string(out, p.isOther() ? "other processes" : names.apply(p.tgid()));
            field(out, "count", latency.count());
            field(out, "errors", latency.errorCount());
            field(out, "high_latency_calls", latency.highLatencyCount());
            field(out, "p50_ns", latency.p50Ns());
            field(out, "p90_ns", latency.p90Ns());
            field(out, "p99_ns", latency.p99Ns());
            field(out, "p999_ns", latency.p999Ns());
            field(out, "max_ns", latency.maxNs());
            out.append(",\"verdict\":");
            string(out, p.verdict().name());
            LatencyDistribution withoutWaits = p.withoutWaits();
            out.append(",\"").append(VERDICT_BASIS).append("\":{\"count\":").append(withoutWaits.count());
            nullableField(out, "p50_ns", withoutWaits, withoutWaits.p50Ns());
            nullableField(out, "p90_ns", withoutWaits, withoutWaits.p90Ns());
            nullableField(out, "p99_ns", withoutWaits, withoutWaits.p99Ns());
            nullableField(out, "p999_ns", withoutWaits, withoutWaits.p999Ns());
            nullableField(out, "max_ns", withoutWaits, withoutWaits.maxNs());
            out.append('}');
            out.append('}');
            separator = ",";
        }
        out.append(']');
    }

    private static void percentile(StringBuilder out, String name, LatencyDistribution total, double percentile) {
        out.append('"').append(name).append("\":")
                .append(total.count() == 0 ? "null" : Long.toString(total.valueAtPercentile(percentile)));
    }

    /** A latency of {@code calls}, or null if it has none. */
    private static void nullableField(StringBuilder out, String name, LatencyDistribution calls, long ns) {
        out.append(",\"").append(name).append("\":").append(calls.count() == 0 ? "null" : Long.toString(ns));
    }

    private static void field(StringBuilder out, String name, long value) {
        out.append(",\"").append(name).append("\":").append(value);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        string(out, value);
    }

    /** A JSON string, or null; escapes what RFC 8259 requires, plus U+2028/U+2029 for JavaScript readers. */
    static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private JsonReport() {}
}
