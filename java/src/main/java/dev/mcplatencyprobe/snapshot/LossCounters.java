package dev.mcplatencyprobe.snapshot;

/**
 * Where every event went, summed over CPUs: how "nothing is lost silently" is kept. The identity
 * {@code emitted = recorded + dropped + unread} holds exactly when the counters are read on the
 * thread that consumes the records, between two batches ({@link #balanced()}); the probe's
 * reports are cut there. Counters only grow while a probe runs, except {@code unread}.
 *
 * <p>A whole-run report carries the counters since the start, {@code unread} being what was left in
 * the ring at the end. An interval report carries their change over the interval ({@link #minus}),
 * so that the intervals add up to the run; the identity holds for the changes too, {@code unread}
 * then being the change in what the ring held (negative when the consumer caught up).
 *
 * @param emitted       completed syscalls of traced processes the kernel made a record for:
 *                      submitted to the ring buffer, or dropped because it was full
 * @param dropped       completed syscalls lost because the ring buffer was full
 * @param orphanExits   syscall exits of traced threads whose entry was not seen
 * @param stateFailures syscalls not timed because the thread's state could not be stored
 * @param recorded      records read from the ring and handed to the consumer
 * @param unread        records made but not yet read when the counters were read: in the ring, or staged on
 *                      their CPU for it
 */
public record LossCounters(long emitted, long dropped, long orphanExits, long stateFailures, long recorded, long unread) {
    public static final LossCounters ZERO = new LossCounters(0, 0, 0, 0, 0, 0);

    /** Counters where everything that was not dropped was read and recorded (nothing unread). */
    public LossCounters(long emitted, long dropped, long orphanExits, long stateFailures) {
        this(emitted, dropped, orphanExits, stateFailures, emitted - dropped, 0);
    }

    /** Syscalls of traced processes that are missing from the delivered records. */
    public long lost() {
        return dropped + stateFailures;
    }

    /** {@code emitted == recorded + dropped + unread}: every event is accounted for. */
    public boolean balanced() {
        return emitted == recorded + dropped + unread;
    }

    /** The same counters with {@code recorded} set to what the consumer recorded. */
    public LossCounters withRecorded(long recordedNow) {
        return new LossCounters(emitted, dropped, orphanExits, stateFailures, recordedNow, unread);
    }

    public LossCounters minus(LossCounters earlier) {
        return new LossCounters(emitted - earlier.emitted, dropped - earlier.dropped,
                orphanExits - earlier.orphanExits, stateFailures - earlier.stateFailures,
                recorded - earlier.recorded, unread - earlier.unread);
    }

    public LossCounters plus(LossCounters other) {
        return new LossCounters(emitted + other.emitted, dropped + other.dropped,
                orphanExits + other.orphanExits, stateFailures + other.stateFailures,
                recorded + other.recorded, unread + other.unread);
    }
}
