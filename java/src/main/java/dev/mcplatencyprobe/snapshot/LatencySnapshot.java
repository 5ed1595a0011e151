package dev.mcplatencyprobe.snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one window of recording saw, immutable: the reports are rendered from it.
 * Syscalls are listed by number, processes by tgid (the {@link ProcessLatency#OTHER_TGID} row last).
 *
 * <p>Two distributions: {@link #total()} holds every call (the users' histogram and counts), and
 * {@link #withoutWaits()} the calls that are not blocking waits ({@link
 * dev.mcplatencyprobe.syscall.Syscalls#BLOCKING_WAITS}), from which the {@link #verdict()} is taken: a
 * parked thread's {@code futex} or an idle selector's {@code epoll_wait} lasts as long as there is
 * nothing to do, and its P99 would say so, not what syscalls cost.
 */
public final class LatencySnapshot {
    private static final Comparator<ProcessLatency> BY_TGID_OTHER_LAST =
            Comparator.comparing(ProcessLatency::isOther).thenComparingInt(ProcessLatency::tgid);

    private final WindowKind kind;
    private final long windowStartNs;
    private final long windowEndNs;
    private final long thresholdNs;
    private final String subject;
    private final LatencyDistribution total;
    private final LatencyDistribution withoutWaits;
    private final List<SyscallLatency> syscalls;
    private final List<ProcessLatency> processes;
    private final LossCounters loss;

    /**
     * @param windowStartNs start of the window, {@code CLOCK_MONOTONIC} ns (inclusive)
     * @param windowEndNs   end of the window (exclusive)
     * @param thresholdNs   the latency above which a call counts as high latency
     * @param subject       what the snapshot is about when not all traced processes, e.g. a server's name; or null
     * @param total         every call
     * @param withoutWaits  the calls that are not blocking waits (a subset of {@code total})
     * @param loss          the probe's loss counters over the same window
     */
    public LatencySnapshot(WindowKind kind, long windowStartNs, long windowEndNs, long thresholdNs, String subject,
            LatencyDistribution total, LatencyDistribution withoutWaits, List<SyscallLatency> syscalls,
            List<ProcessLatency> processes, LossCounters loss) {
        if (windowEndNs < windowStartNs) {
            throw new IllegalArgumentException("window ends (" + windowEndNs + ") before it starts (" + windowStartNs + ")");
        }
        if (thresholdNs < 0) {
            throw new IllegalArgumentException("threshold must be >= 0 ns, got " + thresholdNs);
        }
        this.kind = Objects.requireNonNull(kind, "kind");
        this.windowStartNs = windowStartNs;
        this.windowEndNs = windowEndNs;
        this.thresholdNs = thresholdNs;
        this.subject = subject;
        this.total = Objects.requireNonNull(total, "total");
        this.withoutWaits = Objects.requireNonNull(withoutWaits, "withoutWaits");
        if (withoutWaits.count() > total.count()) {
            throw new IllegalArgumentException(withoutWaits.count() + " calls without waits out of " + total.count() + " calls");
        }
        this.syscalls = syscalls.stream().sorted(Comparator.comparingInt(SyscallLatency::nr)).toList();
        this.processes = processes.stream().sorted(BY_TGID_OTHER_LAST).toList();
        this.loss = Objects.requireNonNull(loss, "loss");
    }

    public WindowKind kind() { return kind; }
    /** The report at the end of a run ({@link WindowKind#WHOLE_RUN}). */
    public boolean isFinal() { return kind == WindowKind.WHOLE_RUN; }
    public long windowStartNs() { return windowStartNs; }
    public long windowEndNs() { return windowEndNs; }
    public long windowLengthNs() { return windowEndNs - windowStartNs; }
    public long thresholdNs() { return thresholdNs; }
    /** Set for a snapshot narrowed to some processes, see {@link #forProcesses}. */
    public Optional<String> subject() { return Optional.ofNullable(subject); }
    /** All calls of the window (of the subject's processes, if narrowed): what the histogram shows. */
    public LatencyDistribution total() { return total; }
    /** The calls of {@link #total()} that are not blocking waits: what the verdict is taken from. */
    public LatencyDistribution withoutWaits() { return withoutWaits; }
    public List<SyscallLatency> syscalls() { return syscalls; }
    public List<ProcessLatency> processes() { return processes; }
    public LossCounters loss() { return loss; }

    /** Calls that were blocking waits, left out of {@link #withoutWaits()}. */
    public long blockingWaitCount() { return total.count() - withoutWaits.count(); }

    /**
     * The blocking waits among the syscalls, most calls first. Empty for a snapshot narrowed to
     * some processes, which has no syscall table, even if {@link #blockingWaitCount()} is not 0.
     */
    public List<SyscallLatency> blockingWaits() {
        return syscalls.stream().filter(SyscallLatency::blockingWait)
                .sorted(Comparator.comparingLong((SyscallLatency s) -> s.latency().count()).reversed()
                        .thenComparingInt(SyscallLatency::nr))
                .toList();
    }

    /**
     * The users' verdict, from the P99 of the calls that are not blocking waits; NO_DATA when there
     * are none, also when every call was a blocking wait ({@link #onlyBlockingWaits()}).
     */
    public Verdict verdict() { return withoutWaits.verdict(); }

    /** There were calls, and every one of them was a blocking wait: nothing to take a verdict from. */
    public boolean onlyBlockingWaits() { return withoutWaits.count() == 0 && total.count() > 0; }

    /** The row of the table that applied; for a window of only blocking waits, says so. */
    public String verdictRule() { return onlyBlockingWaits() ? Verdict.ONLY_WAITS_RULE : verdict().rule(); }

    /** What to do; for a window of only blocking waits, says so. */
    public String verdictAction() { return onlyBlockingWaits() ? Verdict.ONLY_WAITS_ACTION : verdict().action(); }

    /** The {@code limit} syscalls with the most calls, most first. */
    public List<SyscallLatency> topSyscallsByCount(int limit) {
        return top(limit, Comparator.comparingLong((SyscallLatency s) -> s.latency().count()).reversed()
                .thenComparingInt(SyscallLatency::nr));
    }

    /** The {@code limit} syscalls with the highest P99, highest first. */
    public List<SyscallLatency> topSyscallsByP99(int limit) {
        Map<SyscallLatency, Long> p99 = new IdentityHashMap<>();
        syscalls.forEach(s -> p99.put(s, s.latency().p99Ns()));
        return top(limit, Comparator.comparingLong((SyscallLatency s) -> p99.get(s)).reversed()
                .thenComparing(Comparator.comparingLong((SyscallLatency s) -> s.latency().count()).reversed())
                .thenComparingInt(SyscallLatency::nr));
    }

    private List<SyscallLatency> top(int limit, Comparator<SyscallLatency> order) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        return syscalls.stream().sorted(order).limit(limit).toList();
    }

    /**
     * The same window narrowed to some processes (e.g. one MCP server and its children), to render
     * the report of one server in the same format. The recorder does not keep syscalls per process,
     * so the narrowed snapshot has no syscall table; the loss counters stay the probe's.
     */
    public LatencySnapshot forProcesses(String subject, int... tgids) {
        Objects.requireNonNull(subject, "subject");
        int[] wanted = tgids.clone();
        Arrays.sort(wanted);
        List<ProcessLatency> chosen = processes.stream()
                .filter(p -> Arrays.binarySearch(wanted, p.tgid()) >= 0).toList();
        LatencyDistribution narrowed = LatencyDistribution.EMPTY;
        LatencyDistribution narrowedWithoutWaits = LatencyDistribution.EMPTY;
        for (ProcessLatency p : chosen) {
            narrowed = narrowed.merge(p.latency());
            narrowedWithoutWaits = narrowedWithoutWaits.merge(p.withoutWaits());
        }
        return new LatencySnapshot(kind, windowStartNs, windowEndNs, thresholdNs, subject, narrowed,
                narrowedWithoutWaits, List.of(), chosen, loss);
    }

    /**
     * Two snapshots as one (two recorders, two hosts): counts and histograms add up, percentiles are
     * those of all calls together, the window spans both. Processes are matched by tgid, which is
     * only meaningful for snapshots of one host. Both must use the same threshold.
     */
    public LatencySnapshot merge(LatencySnapshot other) {
        if (other.thresholdNs != thresholdNs) {
            throw new IllegalArgumentException("cannot merge snapshots with thresholds " + thresholdNs
                    + " ns and " + other.thresholdNs + " ns: their high-latency counts differ in meaning");
        }
        Map<Integer, SyscallLatency> bySyscall = new TreeMap<>();
        for (SyscallLatency s : concat(syscalls, other.syscalls)) {
            bySyscall.merge(s.nr(), s, (a, b) -> new SyscallLatency(a.nr(), a.name(), a.blockingWait(),
                    a.latency().merge(b.latency())));
        }
        Map<Integer, ProcessLatency> byProcess = new TreeMap<>();
        for (ProcessLatency p : concat(processes, other.processes)) {
            byProcess.merge(p.tgid(), p, ProcessLatency::merge);
        }
        WindowKind mergedKind = kind == other.kind ? kind : WindowKind.SINCE_START;
        String mergedSubject = Objects.equals(subject, other.subject) ? subject : null;
        return new LatencySnapshot(mergedKind, Math.min(windowStartNs, other.windowStartNs),
                Math.max(windowEndNs, other.windowEndNs), thresholdNs, mergedSubject, total.merge(other.total),
                withoutWaits.merge(other.withoutWaits), new ArrayList<>(bySyscall.values()), new ArrayList<>(byProcess.values()), loss.plus(other.loss));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public String toString() {
        return "LatencySnapshot[" + kind + " " + windowLengthNs() + " ns, calls=" + total.count()
                + ", p99Ns=" + total.p99Ns() + ", withoutWaits=" + withoutWaits.count()
                + ", withoutWaitsP99Ns=" + withoutWaits.p99Ns() + ", verdict=" + verdict() + "]";
    }
}
