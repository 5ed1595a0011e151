package dev.mcplatencyprobe.snapshot;

/**
 * The users' decision table, from a P99:
 * P99 &lt; 10 ms is EXCELLENT, 10 ms &lt;= P99 &lt;= 50 ms is GOOD (both limits included),
 * P99 &gt; 50 ms is PROBLEMATIC; no calls is NO_DATA. Snapshots and processes take it from their
 * calls that are not blocking waits ({@link LatencySnapshot#verdict()}).
 */
public enum Verdict {
    NO_DATA("no calls", "no syscalls were traced in this window: check the target and the loss counters"),
    EXCELLENT("P99 < 10ms", "systemd alone is enough; a kernel module is optional"),
    GOOD("10ms <= P99 <= 50ms", "optimise Docker + systemd first"),
    PROBLEMATIC("P99 > 50ms", "a zero-copy kernel module (LKM) is needed");

    /** P99 below this is EXCELLENT. */
    public static final long EXCELLENT_BELOW_NS = 10_000_000L;
    /** P99 up to and including this is GOOD; above it PROBLEMATIC. */
    public static final long GOOD_UP_TO_NS = 50_000_000L;

    /** The rule of NO_DATA when there were calls, all of them blocking waits. */
    public static final String ONLY_WAITS_RULE = "only blocking waits";
    /** The action of NO_DATA when there were calls, all of them blocking waits. */
    public static final String ONLY_WAITS_ACTION = "every call traced was a blocking wait (futex, epoll_wait, ...),"
            + " whose latency is idle time, not syscall cost: trace while the servers do work";

    private final String rule;
    private final String action;

    Verdict(String rule, String action) {
        this.rule = rule;
        this.action = action;
    }

    public static Verdict of(long callCount, long p99Ns) {
        if (callCount == 0) {
            return NO_DATA;
        }
        if (p99Ns < EXCELLENT_BELOW_NS) {
            return EXCELLENT;
        }
        return p99Ns <= GOOD_UP_TO_NS ? GOOD : PROBLEMATIC;
    }

    /** The row of the table that applied, e.g. {@code P99 < 10ms}. */
    public String rule() { return rule; }

    /** What the users' table says to do. */
    public String action() { return action; }
}
