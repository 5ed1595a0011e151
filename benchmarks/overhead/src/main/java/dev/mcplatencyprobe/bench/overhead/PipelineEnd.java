package dev.mcplatencyprobe.bench.overhead;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.probe.BatchListener;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.record.RecordingListener;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The end of the pipeline in these benchmarks: the library's {@link RecordingListener}, as the CLI
 * uses it (log2 + fine histograms per syscall and per process, 10 s windows cut with the loss
 * counters), so the measured cost is the whole path from the kernel to the Java histograms. Only
 * adds the consumer thread's id, for its CPU time.
 */
final class PipelineEnd implements BatchListener {
    /** How long the drain after the workload may take (the CLI's final cut waits as long). */
    private static final long MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private final RecordingListener listener;
    private volatile long consumerThreadId = -1;

    PipelineEnd(SyscallProbe probe) {
        listener = new RecordingListener(probe, new LatencyRecorder(LatencyRecorder.Config.defaults(), System.nanoTime()));
    }

    @Override
    public void onBatch(EventBatch batch, long nowNs) {
        if (consumerThreadId < 0) {
            consumerThreadId = Thread.currentThread().getId();
        }
        listener.onBatch(batch, nowNs);
    }

    /** Waits until the consumer has taken every record emitted until now; returns the counters then. */
    LossCounters awaitDrained() throws InterruptedException {
        return listener.cutFinal(System.nanoTime(), MAX_WAIT_NS);
    }

    /** The id of the thread that called onBatch, -1 before its first batch. */
    long consumerThreadId() {
        return consumerThreadId;
    }

    /** One line per syscall seen: count and percentiles in ns. Once, after the probe is closed. */
    void printSummary(PrintStream out, LossCounters loss) {
        LatencySnapshot whole = listener.recorder().finish(System.nanoTime(), loss);
        for (SyscallLatency s : whole.syscalls()) {
            out.printf("syscall %s count %d p50_ns %d p99_ns %d max_ns %d%n", s.name(), s.latency().count(),
                    s.latency().p50Ns(), s.latency().p99Ns(), s.latency().maxNs());
        }
    }
}
