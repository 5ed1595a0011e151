package dev.mcplatencyprobe.snapshot;

import java.util.Objects;

/**
 * The calls of one process (thread group id): all of them, and those that are not blocking waits,
 * from which its verdict is taken. {@link #OTHER_TGID} collects the processes beyond the
 * recorder's process limit, so that no call goes uncounted.
 *
 * @param latency      every call of the process
 * @param withoutWaits its calls that are not blocking waits (a subset of {@code latency})
 */
public record ProcessLatency(int tgid, LatencyDistribution latency, LatencyDistribution withoutWaits) {
    public static final int OTHER_TGID = -1;

    public ProcessLatency {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(withoutWaits, "withoutWaits");
        if (withoutWaits.count() > latency.count()) {
            throw new IllegalArgumentException("process " + tgid + ": " + withoutWaits.count()
                    + " calls without waits out of " + latency.count() + " calls");
        }
    }

    public boolean isOther() { return tgid == OTHER_TGID; }

    /** Calls that were blocking waits. */
    public long blockingWaitCount() { return latency.count() - withoutWaits.count(); }

    /** From the P99 of the calls that are not blocking waits; NO_DATA if there are none. */
    public Verdict verdict() { return withoutWaits.verdict(); }

    /** Both processes' calls as one (the same process seen by two recorders). */
    ProcessLatency merge(ProcessLatency other) {
        return new ProcessLatency(tgid, latency.merge(other.latency), withoutWaits.merge(other.withoutWaits));
    }
}
