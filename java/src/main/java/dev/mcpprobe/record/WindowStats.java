package dev.mcpprobe.record;

import dev.mcpprobe.decode.LossCounters;
import dev.mcpprobe.decode.Syscalls;
import dev.mcpprobe.snapshot.LatencySnapshot;
import dev.mcpprobe.snapshot.Log2Buckets;
import dev.mcpprobe.snapshot.ProcessLatency;
import dev.mcpprobe.snapshot.SyscallLatency;
import dev.mcpprobe.snapshot.Verdict;
import dev.mcpprobe.snapshot.WindowKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Everything recorded in one window: the total, per syscall, per process. Single writer. */
final class WindowStats {
    /** The headline percentiles: 0.1% relative error. */
    static final int TOTAL_DIGITS = 3;
    /** Per syscall and per process: 0.8% relative error at an eighth of the memory. */
    static final int GROUP_DIGITS = 2;
    /** Numbers beyond this are not syscalls; such calls are counted under {@link #UNKNOWN_NR}. */
    private static final int MAX_SYSCALL_NR = 1 << 16;
    static final int UNKNOWN_NR = -1;
    private static final long NS_PER_US = 1_000;

    private final long thresholdNs;
    private final Syscalls syscalls;
    private final LatencyStats total = new LatencyStats(TOTAL_DIGITS);
    /** By syscall number, allocated when a syscall is first seen. */
    private LatencyStats[] bySyscall = new LatencyStats[Syscalls.MAX_FILTERABLE];
    private LatencyStats unknownSyscall;
    private final ProcessTable processes;

    WindowStats(long thresholdNs, int maxProcesses, Syscalls syscalls) {
        this.thresholdNs = thresholdNs;
        this.syscalls = syscalls;
        this.processes = new ProcessTable(maxProcesses, GROUP_DIGITS);
    }

    void record(long latencyNs, long ret, int tgid, int nr) {
        // Derived once, then counted in the three groups the call belongs to.
        int log2Index = Log2Buckets.indexOf(latencyNs / NS_PER_US);
        long error = ret < 0 ? 1 : 0;
        long high = latencyNs > thresholdNs ? 1 : 0;
        long atOrAbove10ms = latencyNs >= Verdict.EXCELLENT_BELOW_NS ? 1 : 0;
        long above50ms = latencyNs > Verdict.GOOD_UP_TO_NS ? 1 : 0;
        total.record(latencyNs, log2Index, error, high, atOrAbove10ms, above50ms);
        syscallStats(nr).record(latencyNs, log2Index, error, high, atOrAbove10ms, above50ms);
        processes.statsOf(tgid).record(latencyNs, log2Index, error, high, atOrAbove10ms, above50ms);
    }

    private LatencyStats syscallStats(int nr) {
        if (nr >= 0 && nr < bySyscall.length) {
            LatencyStats stats = bySyscall[nr];
            return stats != null ? stats : newSyscallStats(nr);
        }
        return newSyscallStats(nr);
    }

    private LatencyStats newSyscallStats(int nr) {
        if (nr < 0 || nr >= MAX_SYSCALL_NR) {
            if (unknownSyscall == null) {
                unknownSyscall = new LatencyStats(GROUP_DIGITS);
            }
            return unknownSyscall;
        }
        if (nr >= bySyscall.length) {
            bySyscall = Arrays.copyOf(bySyscall, Integer.highestOneBit(nr) << 1);
        }
        if (bySyscall[nr] == null) {
            bySyscall[nr] = new LatencyStats(GROUP_DIGITS);
        }
        return bySyscall[nr];
    }

    void add(WindowStats other) {
        total.add(other.total);
        for (int nr = 0; nr < other.bySyscall.length; nr++) {
            if (other.bySyscall[nr] != null && other.bySyscall[nr].count() > 0) {
                syscallStats(nr).add(other.bySyscall[nr]);
            }
        }
        if (other.unknownSyscall != null) {
            syscallStats(UNKNOWN_NR).add(other.unknownSyscall);
        }
        for (int slot = 0; slot < other.processes.size(); slot++) {
            processes.statsOf(other.processes.tgidAt(slot)).add(other.processes.statsAt(slot));
        }
        processes.other().add(other.processes.other());
    }

    /** Clears the counts and keeps the allocated stats for the next window. */
    void reset() {
        total.reset();
        for (LatencyStats stats : bySyscall) {
            if (stats != null) {
                stats.reset();
            }
        }
        if (unknownSyscall != null) {
            unknownSyscall.reset();
        }
        processes.reset();
    }

    LatencySnapshot toSnapshot(WindowKind kind, long startNs, long endNs, LossCounters loss) {
        List<SyscallLatency> syscallRows = new ArrayList<>();
        for (int nr = 0; nr < bySyscall.length; nr++) {
            if (bySyscall[nr] != null && bySyscall[nr].count() > 0) {
                syscallRows.add(new SyscallLatency(nr, syscalls.name(nr), bySyscall[nr].toDistribution()));
            }
        }
        if (unknownSyscall != null && unknownSyscall.count() > 0) {
            syscallRows.add(new SyscallLatency(UNKNOWN_NR, "unknown", unknownSyscall.toDistribution()));
        }
        List<ProcessLatency> processRows = new ArrayList<>();
        for (int slot = 0; slot < processes.size(); slot++) {
            processRows.add(new ProcessLatency(processes.tgidAt(slot), processes.statsAt(slot).toDistribution()));
        }
        if (processes.other().count() > 0) {
            processRows.add(new ProcessLatency(ProcessLatency.OTHER_TGID, processes.other().toDistribution()));
        }
        return new LatencySnapshot(kind, startNs, endNs, thresholdNs, null, total.toDistribution(),
                syscallRows, processRows, loss);
    }
}
