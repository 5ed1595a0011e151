package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The report in the format the project's users read: the block from the header rule to the footer
 * rule is theirs unchanged (histogram rows identical to bpftrace's, every call counted); what this
 * project adds comes after the footer, among it the percentiles of the calls that are not blocking
 * waits, from which the verdict is taken. Every line ends in {@code '\n'}.
 *
 * <pre>
 * ========== MCP Latency Report (last 10s) ==========
 * Syscall Latency Distribution (microseconds):
 * [1K, 2K)             812 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
 * Total calls: 1245
 * ⚠️  High latency calls (&gt;50ms): 2
 * ===================================================
 * Percentiles: P50 1.53ms | P90 1.87ms | P99 1.00s | P99.9 1.00s | max 1.00s
 * Without blocking waits (futex 143, epoll_wait 20 excluded): 1082 calls, P50 1.50ms | P90 1.80ms | P99 3.10ms | P99.9 48.1ms | max 61.2ms
 * ...
 * Verdict: EXCELLENT (P99 &lt; 10ms; P99 3.10ms of the 1082 calls that are not blocking waits): systemd alone is enough; a kernel module is optional
 * </pre>
 */
public final class TextReport {
    private static final String RULE = "==========";
    private static final int TOP_SYSCALLS = 5;
    private static final int MAX_PROCESS_LINES = 10;

    /** The report, without process names. */
    public static String render(LatencySnapshot snapshot) {
        return render(snapshot, tgid -> null);
    }

    /**
     * @param processNames name of a process by tgid (e.g. its {@code comm}), or null if unknown
     */
    public static String render(LatencySnapshot snapshot, IntFunction<String> processNames) {
        LatencyDistribution total = snapshot.total();
        StringBuilder out = new StringBuilder(2048);
        String header = RULE + " MCP Latency Report (" + title(snapshot) + ") " + RULE;
        out.append(header).append('\n');
        out.append("Syscall Latency Distribution (microseconds):\n");
        BpftraceHistogram.appendRows(out, total.buckets());
        out.append("Total calls: ").append(total.count()).append('\n');
        out.append("⚠️  High latency calls (>").append(Durations.limit(snapshot.thresholdNs())).append("): ")
                .append(total.highLatencyCount()).append('\n');
        out.append("=".repeat(header.length())).append('\n');

        out.append("Percentiles: ");
        appendPercentiles(out, total);
        appendWithoutWaits(out, snapshot);
        out.append("Failed calls (negative return): ").append(total.errorCount()).append('\n');
        appendLoss(out, snapshot.loss(), snapshot.kind() == dev.mcplatencyprobe.snapshot.WindowKind.INTERVAL);
        appendTopSyscalls(out, snapshot);
        appendProcesses(out, snapshot.processes(), processNames);
        appendVerdict(out, snapshot);
        return out.toString();
    }

    /**
     * What the header says the report covers: {@code last 10s}, {@code since start, 1m 5s},
     * {@code whole run, 1m 5s}; prefixed by the subject if any ({@code thinking, last 10s}).
     */
    public static String title(LatencySnapshot snapshot) {
        String span = Durations.span(snapshot.windowLengthNs());
        String window = switch (snapshot.kind()) {
            case INTERVAL -> "last " + span;
            case SINCE_START -> "since start, " + span;
            case WHOLE_RUN -> "whole run, " + span;
        };
        return snapshot.subject().map(subject -> SafeText.escape(subject) + ", " + window).orElse(window);
    }

    private static void appendPercentiles(StringBuilder out, LatencyDistribution calls) {
        if (calls.count() == 0) {
            out.append("no calls\n");
            return;
        }
        out.append("P50 ").append(Durations.latency(calls.p50Ns()))
                .append(" | P90 ").append(Durations.latency(calls.p90Ns()))
                .append(" | P99 ").append(Durations.latency(calls.p99Ns()))
                .append(" | P99.9 ").append(Durations.latency(calls.p999Ns()))
                .append(" | max ").append(Durations.latency(calls.maxNs())).append('\n');
    }

    /**
     * {@code Without blocking waits (futex 120, epoll_wait 8 excluded): 900 calls, P50 ...}; a
     * report narrowed to some processes has no syscall table and gives only the number excluded.
     */
    private static void appendWithoutWaits(StringBuilder out, LatencySnapshot snapshot) {
        out.append("Without blocking waits (");
        List<SyscallLatency> waits = snapshot.blockingWaits();
        if (snapshot.blockingWaitCount() == 0) {
            out.append("none seen");
        } else if (waits.isEmpty()) {
            out.append(calls(snapshot.blockingWaitCount())).append(" excluded");
        } else {
            String separator = "";
            for (SyscallLatency wait : waits) {
                out.append(separator).append(wait.name()).append(' ').append(wait.latency().count());
                separator = ", ";
            }
            out.append(" excluded");
        }
        out.append("): ");
        LatencyDistribution withoutWaits = snapshot.withoutWaits();
        if (withoutWaits.count() > 0) {
            out.append(calls(withoutWaits.count())).append(", ");
        }
        appendPercentiles(out, withoutWaits);
    }

    /** {@code Verdict: GOOD (10ms <= P99 <= 50ms; P99 12.3ms of the 900 calls that are not blocking waits): ...} */
    private static void appendVerdict(StringBuilder out, LatencySnapshot snapshot) {
        LatencyDistribution basis = snapshot.withoutWaits();
        out.append("Verdict: ").append(snapshot.verdict()).append(" (").append(snapshot.verdictRule());
        if (basis.count() > 0) {
            out.append("; P99 ").append(Durations.latency(basis.p99Ns())).append(" of the ").append(basis.count())
                    .append(basis.count() == 1 ? " call that is not a blocking wait" : " calls that are not blocking waits");
        }
        out.append("): ").append(snapshot.verdictAction()).append('\n');
    }

    private static void appendLoss(StringBuilder out, LossCounters loss, boolean interval) {
        out.append("Events dropped: ").append(loss.dropped())
                .append(" (ring buffer full); not timed: ").append(loss.stateFailures())
                .append("; exits without entry: ").append(loss.orphanExits()).append('\n');
        if (loss.dropped() != 0 || loss.unread() != 0) {
            // Where every event went, when not every one was recorded.
            out.append("Events: ").append(loss.emitted()).append(" emitted = ").append(loss.recorded())
                    .append(" recorded + ").append(loss.dropped()).append(" dropped + ").append(loss.unread())
                    .append(interval ? " unread (change in what the ring held)\n" : " unread (still in the ring)\n");
        }
    }

    private static void appendTopSyscalls(StringBuilder out, LatencySnapshot snapshot) {
        List<SyscallLatency> byCount = snapshot.topSyscallsByCount(TOP_SYSCALLS);
        if (byCount.isEmpty()) {
            return;
        }
        out.append("Top syscalls by count:");
        String separator = " ";
        for (SyscallLatency s : byCount) {
            out.append(separator).append(s.name()).append(' ').append(s.latency().count());
            if (s.latency().errorCount() > 0) {
                out.append(" (").append(s.latency().errorCount()).append(" failed)");
            }
            separator = ", ";
        }
        out.append("\nTop syscalls by P99:");
        separator = " ";
        for (SyscallLatency s : snapshot.topSyscallsByP99(TOP_SYSCALLS)) {
            out.append(separator).append(s.name()).append(' ').append(Durations.latency(s.latency().p99Ns()));
            separator = ", ";
        }
        out.append('\n');
    }

    private static void appendProcesses(StringBuilder out, List<ProcessLatency> processes, IntFunction<String> names) {
        if (processes.size() <= 1) {
            return;
        }
        List<ProcessLatency> busiest = processes.stream()
                .sorted(Comparator.comparingLong((ProcessLatency p) -> p.latency().count()).reversed()
                        .thenComparingInt(ProcessLatency::tgid))
                .limit(MAX_PROCESS_LINES).toList();
        for (ProcessLatency p : busiest) {
            LatencyDistribution latency = p.latency();
            LatencyDistribution withoutWaits = p.withoutWaits();
            out.append(processLabel(p, names)).append(": ").append(latency.count()).append(" calls, P50 ")
                    .append(Durations.latency(latency.p50Ns())).append(", P99 ")
                    .append(Durations.latency(latency.p99Ns())).append(", max ")
                    .append(Durations.latency(latency.maxNs())).append(", high latency ")
                    .append(latency.highLatencyCount()).append("; without blocking waits: ");
            if (withoutWaits.count() == 0) {
                out.append("no calls");
            } else {
                out.append(withoutWaits.count()).append(" calls, P99 ").append(Durations.latency(withoutWaits.p99Ns()));
            }
            out.append(", ").append(p.verdict()).append('\n');
        }
        if (processes.size() > busiest.size()) {
            out.append("... and ").append(processes.size() - busiest.size()).append(" more processes\n");
        }
    }

    private static String calls(long count) {
        return count == 1 ? "1 call" : count + " calls";
    }

    private static String processLabel(ProcessLatency p, IntFunction<String> names) {
        if (p.isOther()) {
            return "Other processes";
        }
        String name = SafeText.escape(names.apply(p.tgid())); // chosen by the traced process
        return name == null ? "Process " + p.tgid() : "Process " + p.tgid() + " (" + name + ")";
    }

    private TextReport() {}
}
