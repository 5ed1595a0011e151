package dev.mcpprobe.record;

import java.util.Arrays;

/**
 * Stats by tgid: an open-addressing table (no boxing, no allocation once a process is known)
 * with a one-entry cache, since consecutive events mostly come from the same process.
 * Each process has two groups, its calls that are blocking waits and the others, so that a call
 * is still counted in one group of its process. Processes beyond {@code maxProcesses} are counted
 * together in {@link #other}.
 */
final class ProcessTable {
    private static final int FREE = Integer.MIN_VALUE;
    private static final int OTHER_SLOT = -1;

    private final int maxProcesses;
    private final int mask;
    private final int[] keys;
    private final int[] slotOfKey;
    private final int[] tgidOfSlot;
    /** By slot, in order of arrival; kept across {@link #reset()} so that the next window reuses them. */
    private final LatencyStats[] notWaitingOfSlot;
    private final LatencyStats[] waitingOfSlot;
    private final LatencyStats otherNotWaiting;
    private final LatencyStats otherWaiting;
    private int size;
    private int cachedTgid = FREE;
    private LatencyStats cachedNotWaiting;
    private LatencyStats cachedWaiting;

    ProcessTable(int maxProcesses) {
        this.maxProcesses = maxProcesses;
        int capacity = Integer.highestOneBit(Math.max(2, maxProcesses) * 2 - 1) << 1; // >= 2x entries: short probes
        this.mask = capacity - 1;
        this.keys = new int[capacity];
        this.slotOfKey = new int[capacity];
        Arrays.fill(keys, FREE);
        this.tgidOfSlot = new int[maxProcesses];
        this.notWaitingOfSlot = new LatencyStats[maxProcesses];
        this.waitingOfSlot = new LatencyStats[maxProcesses];
        this.otherNotWaiting = new LatencyStats(false);
        this.otherWaiting = new LatencyStats(true);
    }

    /** The group of process {@code tgid} for its calls that are ({@code blockingWait}) or are not blocking waits. */
    LatencyStats statsOf(int tgid, boolean blockingWait) {
        if (tgid != cachedTgid) {
            cache(tgid);
        }
        return blockingWait ? cachedWaiting : cachedNotWaiting;
    }

    private void cache(int tgid) {
        int slot = lookup(tgid);
        cachedTgid = tgid;
        cachedNotWaiting = slot == OTHER_SLOT ? otherNotWaiting : notWaitingOfSlot[slot];
        cachedWaiting = slot == OTHER_SLOT ? otherWaiting : waitingOfSlot[slot];
    }

    private int lookup(int tgid) {
        int at = mix(tgid) & mask;
        while (true) {
            int key = keys[at];
            if (key == tgid) {
                return slotOfKey[at];
            }
            if (key == FREE) {
                return insert(at, tgid);
            }
            at = (at + 1) & mask;
        }
    }

    private int insert(int at, int tgid) {
        if (size == maxProcesses || tgid == FREE) {
            return OTHER_SLOT;
        }
        int slot = size++;
        keys[at] = tgid;
        slotOfKey[at] = slot;
        tgidOfSlot[slot] = tgid;
        if (notWaitingOfSlot[slot] == null) {
            notWaitingOfSlot[slot] = new LatencyStats(false);
            waitingOfSlot[slot] = new LatencyStats(true);
        }
        return slot;
    }

    /** Spreads consecutive tgids over the table (Fibonacci hashing). */
    private static int mix(int tgid) {
        int h = tgid * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() { return size; }
    int tgidAt(int slot) { return tgidOfSlot[slot]; }
    /** The calls of the process in {@code slot} that are not blocking waits. */
    LatencyStats notWaitingAt(int slot) { return notWaitingOfSlot[slot]; }
    /** The calls of the process in {@code slot} that are blocking waits. */
    LatencyStats waitingAt(int slot) { return waitingOfSlot[slot]; }
    LatencyStats otherNotWaiting() { return otherNotWaiting; }
    LatencyStats otherWaiting() { return otherWaiting; }

    void reset() {
        for (int slot = 0; slot < size; slot++) {
            notWaitingOfSlot[slot].reset();
            waitingOfSlot[slot].reset();
        }
        otherNotWaiting.reset();
        otherWaiting.reset();
        Arrays.fill(keys, FREE);
        size = 0;
        cachedTgid = FREE;
        cachedNotWaiting = null;
        cachedWaiting = null;
    }
}
