package dev.mcplatencyprobe.record;

import dev.mcplatencyprobe.snapshot.LatencyDistribution.ExactLimits;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.snapshot.WindowKind;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything recorded in one window, per syscall and per process. Single writer. Each call is
 * counted twice, once under its syscall and once under its process, in the process's group for
 * blocking waits or the one for its other calls. The window's total is the sum of the syscalls,
 * its calls without waits the sum of the syscalls that are not waits, made when a snapshot is taken.
 */
final class WindowStats {
    /**
     * The row of every call whose number is not in the architecture's table (a traced process may
     * call any number; each would otherwise cost a row of its own per window).
     */
    static final int UNKNOWN_NR = -1;
    private static final long NS_PER_US = 1_000;

    private final long thresholdNs;
    private final ExactLimits limits;
    /** Calls at least this long may count for the threshold or an exact limit. */
    private final long rareFromNs;
    private final Syscalls syscalls;
    /** By syscall number, allocated when a syscall is first seen; never longer than the table. */
    private final LatencyStats[] bySyscall;
    private LatencyStats unknownSyscall;
    private final ProcessTable processes;

    WindowStats(long thresholdNs, ExactLimits limits, int maxProcesses, Syscalls syscalls) {
        this.thresholdNs = thresholdNs;
        this.limits = limits;
        this.rareFromNs = Math.min(thresholdNs, limits.lowerNs() - 1) + 1;
        this.syscalls = syscalls;
        this.bySyscall = new LatencyStats[syscalls.tableSize()];
        this.processes = new ProcessTable(maxProcesses);
    }

    void record(long latencyNs, long ret, int tgid, int nr) {
        // Buckets derived once, then counted in both groups the call belongs to.
        int log2Index = Log2Buckets.indexOf(latencyNs / NS_PER_US);
        int fineSlot = LatencyStats.FINE_OFFSET + FineBuckets.indexOf(Math.max(0, latencyNs));
        LatencyStats syscall = syscallStats(nr);
        LatencyStats process = processes.statsOf(tgid, syscall.processGroup);
        syscall.record(latencyNs, log2Index, fineSlot);
        process.record(latencyNs, log2Index, fineSlot);
        if (ret < 0 || latencyNs >= rareFromNs) {
            syscall.recordRare(latencyNs, ret < 0, thresholdNs, limits);
            process.recordRare(latencyNs, ret < 0, thresholdNs, limits);
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
        // Decided before anything is allocated for the number: outside the table is one row.
        if (nr < 0 || nr >= bySyscall.length) {
            if (unknownSyscall == null) {
                unknownSyscall = new LatencyStats(false);
            }
            return unknownSyscall;
        }
        if (bySyscall[nr] == null) {
            bySyscall[nr] = new LatencyStats(syscalls.isBlockingWait(nr));
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
        ProcessTable from = other.processes;
        for (int slot = 0; slot < from.size(); slot++) {
            processes.statsOf(from.tgidAt(slot), ProcessTable.NOT_WAITING).add(from.notWaitingAt(slot));
            processes.statsOf(from.tgidAt(slot), ProcessTable.WAITING).add(from.waitingAt(slot));
        }
        processes.otherNotWaiting().add(from.otherNotWaiting());
        processes.otherWaiting().add(from.otherWaiting());
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
        LatencyStats total = new LatencyStats(false);
        LatencyStats withoutWaits = new LatencyStats(false);
        List<SyscallLatency> syscallRows = new ArrayList<>();
        for (int nr = 0; nr < bySyscall.length; nr++) {
            LatencyStats syscall = bySyscall[nr];
            if (syscall != null && syscall.count() > 0) {
                total.add(syscall);
                if (!syscall.blockingWait()) {
                    withoutWaits.add(syscall);
                }
                syscallRows.add(new SyscallLatency(nr, syscalls.name(nr), syscall.blockingWait(), syscall.toDistribution(limits)));
            }
        }
        if (unknownSyscall != null && unknownSyscall.count() > 0) {
            total.add(unknownSyscall);
            withoutWaits.add(unknownSyscall);
            syscallRows.add(new SyscallLatency(UNKNOWN_NR, "unknown", false, unknownSyscall.toDistribution(limits)));
        }
        List<ProcessLatency> processRows = new ArrayList<>();
        LatencyStats scratch = new LatencyStats(false);
        for (int slot = 0; slot < processes.size(); slot++) {
            processRows.add(processRow(processes.tgidAt(slot), processes.notWaitingAt(slot), processes.waitingAt(slot), scratch));
        }
        if (processes.otherNotWaiting().count() + processes.otherWaiting().count() > 0) {
            processRows.add(processRow(ProcessLatency.OTHER_TGID, processes.otherNotWaiting(), processes.otherWaiting(), scratch));
        }
        return new LatencySnapshot(kind, startNs, endNs, thresholdNs, null, total.toDistribution(limits),
                withoutWaits.toDistribution(limits), syscallRows, processRows, loss);
    }

    /** A process's row: all its calls ({@code scratch} holds their sum) and those that are not waits. */
    private ProcessLatency processRow(int tgid, LatencyStats notWaiting, LatencyStats waiting, LatencyStats scratch) {
        scratch.reset();
        scratch.add(notWaiting);
        scratch.add(waiting);
        return new ProcessLatency(tgid, scratch.toDistribution(limits), notWaiting.toDistribution(limits));
    }
}
