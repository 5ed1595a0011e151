package dev.mcpprobe.record;

import java.util.Arrays;

/**
 * Stats by tgid: an open-addressing table (no boxing, no allocation once a process is known)
 * with a one-entry cache, since consecutive events mostly come from the same process.
 * Processes beyond {@code maxProcesses} are counted together in {@link #other()}.
 */
final class ProcessTable {
    private static final int FREE = Integer.MIN_VALUE;

    private final int maxProcesses;
    private final int mask;
    private final int[] keys;
    private final int[] slotOfKey;
    private final int[] tgidOfSlot;
    /** By slot, in order of arrival; kept across {@link #reset()} so that the next window reuses them. */
    private final LatencyStats[] statsOfSlot;
    private final LatencyStats other;
    private int size;
    private int cachedTgid = FREE;
    private LatencyStats cachedStats;

    ProcessTable(int maxProcesses) {
        this.maxProcesses = maxProcesses;
        int capacity = Integer.highestOneBit(Math.max(2, maxProcesses) * 2 - 1) << 1; // >= 2x entries: short probes
        this.mask = capacity - 1;
        this.keys = new int[capacity];
        this.slotOfKey = new int[capacity];
        Arrays.fill(keys, FREE);
        this.tgidOfSlot = new int[maxProcesses];
        this.statsOfSlot = new LatencyStats[maxProcesses];
        this.other = new LatencyStats();
    }

    LatencyStats statsOf(int tgid) {
        if (tgid == cachedTgid) {
            return cachedStats;
        }
        LatencyStats stats = lookup(tgid);
        cachedTgid = tgid;
        cachedStats = stats;
        return stats;
    }

    private LatencyStats lookup(int tgid) {
        int at = mix(tgid) & mask;
        while (true) {
            int key = keys[at];
            if (key == tgid) {
                return statsOfSlot[slotOfKey[at]];
            }
            if (key == FREE) {
                return insert(at, tgid);
            }
            at = (at + 1) & mask;
        }
    }

    private LatencyStats insert(int at, int tgid) {
        if (size == maxProcesses || tgid == FREE) {
            return other;
        }
        int slot = size++;
        keys[at] = tgid;
        slotOfKey[at] = slot;
        tgidOfSlot[slot] = tgid;
        if (statsOfSlot[slot] == null) {
            statsOfSlot[slot] = new LatencyStats();
        }
        return statsOfSlot[slot];
    }

    /** Spreads consecutive tgids over the table (Fibonacci hashing). */
    private static int mix(int tgid) {
        int h = tgid * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() { return size; }
    int tgidAt(int slot) { return tgidOfSlot[slot]; }
    LatencyStats statsAt(int slot) { return statsOfSlot[slot]; }
    LatencyStats other() { return other; }

    void reset() {
        for (int slot = 0; slot < size; slot++) {
            statsOfSlot[slot].reset();
        }
        other.reset();
        Arrays.fill(keys, FREE);
        size = 0;
        cachedTgid = FREE;
        cachedStats = null;
    }
}
