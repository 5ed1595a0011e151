package dev.mcpprobe.bench.overhead;

import dev.mcpprobe.decode.EventBatch;
import dev.mcpprobe.snapshot.LossCounters;
import dev.mcpprobe.probe.BatchListener;
import dev.mcpprobe.record.LatencyRecorder;
import dev.mcpprobe.snapshot.LatencySnapshot;
import dev.mcpprobe.snapshot.SyscallLatency;
import java.io.PrintStream;

/**
 * The end of the pipeline in these benchmarks: every delivered record goes into the project's
 * own recorder (log2 + fine histograms per syscall and per process, 10 s windows), as the CLI
 * does, so the measured cost is the whole path from the kernel to the Java histograms.
 *
 * <p>Single writer: the probe's consumer thread. Read the results after the probe is closed.
 */
final class PipelineEnd implements BatchListener {
    private final LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), System.nanoTime());
    private volatile long consumerThreadId = -1;
    private long records;

    @Override
    public void onBatch(EventBatch batch, long nowNs) {
        if (consumerThreadId < 0) {
            consumerThreadId = Thread.currentThread().getId();
        }
        recorder.record(batch);
        if (recorder.isReportDue(nowNs)) {
            recorder.rotateIfDue(nowNs, LossCounters.ZERO); // interval snapshots are taken, as the CLI does
        }
        records += batch.size();
    }

    /** Records recorded so far (read after the consumer stopped). */
    long records() {
        return records;
    }

    /** The id of the thread that called onBatch, -1 before its first batch. */
    long consumerThreadId() {
        return consumerThreadId;
    }

    /** One line per syscall seen: count and percentiles in ns. */
    void printSummary(PrintStream out) {
        LatencySnapshot whole = recorder.finish(System.nanoTime(), LossCounters.ZERO);
        for (SyscallLatency s : whole.syscalls()) {
            out.printf("syscall %s count %d p50_ns %d p99_ns %d max_ns %d%n", s.name(), s.latency().count(),
                    s.latency().p50Ns(), s.latency().p99Ns(), s.latency().maxNs());
        }
    }
}
