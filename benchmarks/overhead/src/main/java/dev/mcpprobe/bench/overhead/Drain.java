package dev.mcpprobe.bench.overhead;

import dev.mcpprobe.snapshot.LossCounters;
import dev.mcpprobe.probe.SyscallProbe;
import java.util.concurrent.TimeUnit;

final class Drain {
    private static final long MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(2);

    private Drain() {}

    /** Waits until the consumer has taken every record the kernel emitted (or 2 s passed); returns the counters then. */
    static LossCounters awaitDelivered(SyscallProbe probe) {
        long deadline = System.nanoTime() + MAX_WAIT_NS;
        LossCounters counters = probe.lossCounters();
        // emitted counts the dropped records too: those never arrive.
        while (probe.delivered() < counters.emitted() - counters.dropped() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            counters = probe.lossCounters();
        }
        return counters;
    }
}
