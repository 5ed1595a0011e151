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

/**
 * Everything recorded in one window, per syscall and per process. Single writer. Each call is
 * counted twice, once under its syscall and once under its process; the window's total is the
 * sum of the syscalls, made when a snapshot is taken.
 */
final class WindowStats {
    /** Numbers beyond this are not syscalls; such calls are counted under {@link #UNKNOWN_NR}. */
    private static final int MAX_SYSCALL_NR = 1 << 16;
    static final int UNKNOWN_NR = -1;
    private static final long NS_PER_US = 1_000;

    private final long thresholdNs;
    /** Calls at least this long may count for the threshold or a verdict limit. */
    private final long rareFromNs;
    private final Syscalls syscalls;
    /** By syscall number, allocated when a syscall is first seen. */
    private LatencyStats[] bySyscall = new LatencyStats[Syscalls.MAX_FILTERABLE];
    private LatencyStats unknownSyscall;
    private final ProcessTable processes;

    WindowStats(long thresholdNs, int maxProcesses, Syscalls syscalls) {
        this.thresholdNs = thresholdNs;
        this.rareFromNs = Math.min(thresholdNs, Verdict.EXCELLENT_BELOW_NS - 1) + 1;
        this.syscalls = syscalls;
        this.processes = new ProcessTable(maxProcesses);
    }

    void record(long latencyNs, long ret, int tgid, int nr) {
        // Buckets derived once, then counted in both groups the call belongs to.
        int log2Index = Log2Buckets.indexOf(latencyNs / NS_PER_US);
        int fineSlot = LatencyStats.FINE_OFFSET + FineBuckets.indexOf(Math.max(0, latencyNs));
        LatencyStats syscall = syscallStats(nr);
        LatencyStats process = processes.statsOf(tgid);
        syscall.record(latencyNs, log2Index, fineSlot);
        process.record(latencyNs, log2Index, fineSlot);
        if (ret < 0 || latencyNs >= rareFromNs) {
            syscall.recordRare(latencyNs, ret < 0, thresholdNs);
            process.recordRare(latencyNs, ret < 0, thresholdNs);
        }
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
                unknownSyscall = new LatencyStats();
            }
            return unknownSyscall;
        }
        if (nr >= bySyscall.length) {
            bySyscall = Arrays.copyOf(bySyscall, Integer.highestOneBit(nr) << 1);
        }
        if (bySyscall[nr] == null) {
            bySyscall[nr] = new LatencyStats();
        }
        return bySyscall[nr];
    }

    void add(WindowStats other) {
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
        LatencyStats total = new LatencyStats();
        List<SyscallLatency> syscallRows = new ArrayList<>();
        for (int nr = 0; nr < bySyscall.length; nr++) {
            if (bySyscall[nr] != null && bySyscall[nr].count() > 0) {
                total.add(bySyscall[nr]);
                syscallRows.add(new SyscallLatency(nr, syscalls.name(nr), bySyscall[nr].toDistribution()));
            }
        }
        if (unknownSyscall != null && unknownSyscall.count() > 0) {
            total.add(unknownSyscall);
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
