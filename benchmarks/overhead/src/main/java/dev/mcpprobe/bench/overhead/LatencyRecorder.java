package dev.mcpprobe.bench.overhead;

import dev.mcpprobe.decode.EventBatch;
import dev.mcpprobe.decode.Syscalls;
import dev.mcpprobe.probe.BatchListener;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The end of the pipeline in these benchmarks: every delivered record goes into a histogram of
 * its syscall, as a user of the library would keep them. {@link #record} is the one call to swap
 * for the project's own recorder (dev.mcpprobe.record) once it exists.
 *
 * <p>Single writer: the probe's consumer thread. Read the results after the probe is closed.
 */
final class LatencyRecorder implements BatchListener {
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram[] bySyscall = new Histogram[Syscalls.MAX_FILTERABLE];
    private final Histogram others = newHistogram(); // numbers outside the table, should there be any
    private volatile long consumerThreadId = -1;
    private long records;

    @Override
    public void onBatch(EventBatch batch, long nowNs) {
        if (consumerThreadId < 0) {
            consumerThreadId = Thread.currentThread().getId();
        }
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            record(batch.nr(i), batch.latencyNs(i));
        }
        records += n;
    }

    /** Records one completed syscall. */
    private void record(int nr, long latencyNs) {
        Histogram h = nr >= 0 && nr < bySyscall.length ? bySyscall[nr] : others;
        if (h == null) {
            h = bySyscall[nr] = newHistogram();
        }
        h.recordValue(Math.min(latencyNs, HIGHEST_TRACKABLE_NS));
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
        Syscalls names = Syscalls.forCurrentArch();
        for (int nr = 0; nr < bySyscall.length; nr++) {
            Histogram h = bySyscall[nr];
            if (h != null) {
                out.printf("syscall %s count %d p50_ns %d p99_ns %d max_ns %d%n", names.name(nr), h.getTotalCount(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
            }
        }
        if (others.getTotalCount() > 0) {
            out.printf("syscall (other) count %d%n", others.getTotalCount());
        }
    }

    private static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }
}
