package dev.mcpprobe.snapshot;

import java.util.Objects;

/** The calls of one syscall: its number, its name on the traced architecture, its latencies. */
public record SyscallLatency(int nr, String name, LatencyDistribution latency) {
    public SyscallLatency {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(latency, "latency");
    }
}
