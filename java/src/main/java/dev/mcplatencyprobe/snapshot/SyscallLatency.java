package dev.mcplatencyprobe.snapshot;

import java.util.Objects;

/**
 * The calls of one syscall: its number, its name on the traced architecture, whether it is a
 * blocking wait (see {@link dev.mcplatencyprobe.syscall.Syscalls#BLOCKING_WAITS}: its latency is time spent
 * waiting by design, so the verdict leaves it out), its latencies.
 */
public record SyscallLatency(int nr, String name, boolean blockingWait, LatencyDistribution latency) {
    public SyscallLatency {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(latency, "latency");
    }
}
