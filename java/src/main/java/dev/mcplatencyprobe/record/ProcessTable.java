package dev.mcplatencyprobe.record;

import java.util.Arrays;

/**
 * Stats by tgid: an open-addressing table (no boxing, no allocation once a process is known)
 * with a one-entry cache, since consecutive events mostly come from the same process.
 * Each process has two groups, its calls that are blocking waits and the others, so that a call
 * is still counted in one group of its process. Processes beyond {@code maxProcesses} are counted
 * together in the two groups of "other".
 */
final class ProcessTable {
    /** A process's group for its calls that are not blocking waits. */
    static final int NOT_WAITING = 0;
    /** A process's group for its calls that are blocking waits. */
    static final int WAITING = 1;
    private static final int FREE = Integer.MIN_VALUE;

    private final int maxProcesses;
    private final int mask;
    private final int[] keys;
    private final int[] slotOfKey;
    private final int[] tgidOfSlot;
    /**
     * The groups of the process in slot {@code s} at {@code 2 * s + NOT_WAITING} and {@code 2 * s + WAITING},
     * slots in order of arrival, then the two of the other processes. Kept across {@link #reset()}
     * so that the next window reuses them.
     */
    private final LatencyStats[] groups;
    private final int otherBase;
    private int size;
    private int cachedTgid = FREE;
    /** Where the groups of {@link #cachedTgid} start in {@link #groups}. */
    private int cachedBase;

    ProcessTable(int maxProcesses) {
        this.maxProcesses = maxProcesses;
        int capacity = Integer.highestOneBit(Math.max(2, maxProcesses) * 2 - 1) << 1; // >= 2x entries: short probes
        this.mask = capacity - 1;
        this.keys = new int[capacity];
        this.slotOfKey = new int[capacity];
        Arrays.fill(keys, FREE);
        this.tgidOfSlot = new int[maxProcesses];
        this.groups = new LatencyStats[2 * (maxProcesses + 1)];
        this.otherBase = 2 * maxProcesses;
        groups[otherBase + NOT_WAITING] = new LatencyStats(false);
        groups[otherBase + WAITING] = new LatencyStats(true);
    }

    /** The {@code group} ({@link #NOT_WAITING} or {@link #WAITING}) of process {@code tgid}. */
    LatencyStats statsOf(int tgid, int group) {
        if (tgid != cachedTgid) {
            cachedBase = baseOf(tgid);
            cachedTgid = tgid;
        }
        return groups[cachedBase + group];
    }

    private int baseOf(int tgid) {
        int at = mix(tgid) & mask;
        while (true) {
            int key = keys[at];
            if (key == tgid) {
                return 2 * slotOfKey[at];
            }
            if (key == FREE) {
                return insert(at, tgid);
            }
            at = (at + 1) & mask;
        }
    }

    private int insert(int at, int tgid) {
        if (size == maxProcesses || tgid == FREE) {
            return otherBase;
        }
        int slot = size++;
        keys[at] = tgid;
        slotOfKey[at] = slot;
        tgidOfSlot[slot] = tgid;
        if (groups[2 * slot] == null) {
            groups[2 * slot + NOT_WAITING] = new LatencyStats(false);
            groups[2 * slot + WAITING] = new LatencyStats(true);
        }
        return 2 * slot;
    }

    /** Spreads consecutive tgids over the table (Fibonacci hashing). */
    private static int mix(int tgid) {
        int h = tgid * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() { return size; }
    int tgidAt(int slot) { return tgidOfSlot[slot]; }
    /** The calls of the process in {@code slot} that are not blocking waits. */
    LatencyStats notWaitingAt(int slot) { return groups[2 * slot + NOT_WAITING]; }
    /** The calls of the process in {@code slot} that are blocking waits. */
    LatencyStats waitingAt(int slot) { return groups[2 * slot + WAITING]; }
    LatencyStats otherNotWaiting() { return groups[otherBase + NOT_WAITING]; }
    LatencyStats otherWaiting() { return groups[otherBase + WAITING]; }

    void reset() {
        for (int slot = 0; slot < size; slot++) {
            notWaitingAt(slot).reset();
            waitingAt(slot).reset();
        }
        otherNotWaiting().reset();
        otherWaiting().reset();
        Arrays.fill(keys, FREE);
        size = 0;
        cachedTgid = FREE;
    }
}
