package dev.mcpprobe.decode;

/**
 * The kernel program's counters, summed over CPUs: how "nothing is lost silently" is kept.
 * Counters only grow while a probe runs; {@link #minus} gives the change over an interval.
 *
 * @param emitted       records submitted to the ring buffer
 * @param dropped       completed syscalls lost because the ring buffer was full
 * @param orphanExits   syscall exits of traced threads whose entry was not seen
 * @param stateFailures syscalls not timed because the thread's state could not be stored
 */
public record LossCounters(long emitted, long dropped, long orphanExits, long stateFailures) {
    public static final LossCounters ZERO = new LossCounters(0, 0, 0, 0);

    /** Syscalls of traced processes that are missing from the delivered records. */
    public long lost() {
        return dropped + stateFailures;
    }

    public LossCounters minus(LossCounters earlier) {
        return new LossCounters(emitted - earlier.emitted, dropped - earlier.dropped,
                orphanExits - earlier.orphanExits, stateFailures - earlier.stateFailures);
    }

    public LossCounters plus(LossCounters other) {
        return new LossCounters(emitted + other.emitted, dropped + other.dropped,
                orphanExits + other.orphanExits, stateFailures + other.stateFailures);
    }
}
