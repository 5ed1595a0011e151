package dev.mcpprobe.record;

import dev.mcpprobe.snapshot.LatencyDistribution;
import dev.mcpprobe.snapshot.Log2Buckets;
import org.HdrHistogram.Histogram;

/** Counters of one group of calls (a window's total, one syscall, one process). Single writer. */
final class LatencyStats {
    /** Pre-sized for latencies up to a minute; longer ones make the histogram grow once. */
    private static final long PRESIZED_MAX_NS = 60_000_000_000L;

    private long count;
    private long errorCount;
    private long sumNs;
    private long minNs = Long.MAX_VALUE;
    private long maxNs = Long.MIN_VALUE;
    private long highLatencyCount;
    private long atOrAbove10msCount;
    private long above50msCount;
    private final long[] log2CountsUs = new long[Log2Buckets.COUNT];
    private final Histogram histogram;

    LatencyStats(int significantDigits) {
        histogram = new Histogram(1, PRESIZED_MAX_NS, significantDigits);
        histogram.setAutoResize(true);
    }

    /**
     * One call. The caller derives the flags once per event for all groups it lands in.
     *
     * @param error            1 if the call failed, else 0; likewise the other 0/1 flags
     * @param log2Index        {@link Log2Buckets} bucket of the latency in microseconds
     */
    void record(long latencyNs, int log2Index, long error, long high, long atOrAbove10ms, long above50ms) {
        count++;
        errorCount += error;
        sumNs += latencyNs;
        minNs = Math.min(minNs, latencyNs);
        maxNs = Math.max(maxNs, latencyNs);
        highLatencyCount += high;
        atOrAbove10msCount += atOrAbove10ms;
        above50msCount += above50ms;
        log2CountsUs[log2Index]++;
        histogram.recordValue(Math.max(0, latencyNs));
    }

    void add(LatencyStats other) {
        if (other.count == 0) {
            return;
        }
        count += other.count;
        errorCount += other.errorCount;
        sumNs += other.sumNs;
        minNs = Math.min(minNs, other.minNs);
        maxNs = Math.max(maxNs, other.maxNs);
        highLatencyCount += other.highLatencyCount;
        atOrAbove10msCount += other.atOrAbove10msCount;
        above50msCount += other.above50msCount;
        for (int i = 0; i < log2CountsUs.length; i++) {
            log2CountsUs[i] += other.log2CountsUs[i];
        }
        histogram.add(other.histogram);
    }

    void reset() {
        if (count == 0) {
            return;
        }
        count = 0;
        errorCount = 0;
        sumNs = 0;
        minNs = Long.MAX_VALUE;
        maxNs = Long.MIN_VALUE;
        highLatencyCount = 0;
        atOrAbove10msCount = 0;
        above50msCount = 0;
        java.util.Arrays.fill(log2CountsUs, 0);
        histogram.reset();
    }

    long count() { return count; }

    LatencyDistribution toDistribution() {
        return LatencyDistribution.copyOf(count, errorCount, sumNs, minNs, maxNs, highLatencyCount,
                atOrAbove10msCount, above50msCount, log2CountsUs, histogram);
    }
}
