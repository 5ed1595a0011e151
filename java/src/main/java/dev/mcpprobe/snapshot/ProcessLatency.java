package dev.mcpprobe.snapshot;

import java.util.Objects;

/**
 * The calls of one process (thread group id). {@link #OTHER_TGID} collects the processes beyond
 * the recorder's process limit, so that no call goes uncounted.
 */
public record ProcessLatency(int tgid, LatencyDistribution latency) {
    public static final int OTHER_TGID = -1;

    public ProcessLatency {
        Objects.requireNonNull(latency, "latency");
    }

    public boolean isOther() { return tgid == OTHER_TGID; }
}
