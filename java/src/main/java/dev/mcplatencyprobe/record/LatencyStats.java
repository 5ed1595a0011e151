package dev.mcplatencyprobe.record;

import dev.mcplatencyprobe.snapshot.LatencyDistribution.ExactLimits;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import java.util.Arrays;

/**
 * Counters of one group of calls (one syscall, one process, or a sum of them). Single writer.
 *
 * <p>Built for the per-call cost: both histograms live in one array ({@link Log2Buckets} buckets
 * of the latency in µs first, then the {@link FineBuckets} of the latency in ns), so a call
 * touches this object and one array; failures and slow calls take {@link #recordRare}; the count
 * is the sum of the log2 buckets and is not kept separately.
 */
final class LatencyStats {
    /** Where the fine buckets start in {@link #counts}. */
    static final int FINE_OFFSET = Log2Buckets.COUNT;

    /**
     * {@link ProcessTable#WAITING} if the calls counted here are blocking waits, else {@link
     * ProcessTable#NOT_WAITING}. A syscall's stats tell the recorder which of its process's groups
     * a call goes to: read next to the fields it updates anyway, and used as an index, not a branch
     * (waits and other calls alternate without a pattern a branch predictor could learn).
     */
    final int processGroup;
    private long[] counts = new long[FINE_OFFSET + FineBuckets.INITIAL_COUNT];
    private long sumNs;
    private long minNs = Long.MAX_VALUE;
    private long maxNs = Long.MIN_VALUE;
    private long errorCount;
    private long highLatencyCount;
    private long atOrAboveLowerCount;
    private long aboveUpperCount;

    LatencyStats(boolean blockingWait) {
        this.processGroup = blockingWait ? ProcessTable.WAITING : ProcessTable.NOT_WAITING;
    }

    boolean blockingWait() { return processGroup == ProcessTable.WAITING; }

    /**
     * @param log2Index {@link Log2Buckets} bucket of the latency in µs
     * @param fineSlot  {@link #FINE_OFFSET} + {@link FineBuckets} bucket of the latency in ns
     */
    void record(long latencyNs, int log2Index, int fineSlot) {
        long[] c = counts;
        if (fineSlot >= c.length) {
            c = grow(fineSlot);
        }
        c[log2Index]++;
        c[fineSlot]++;
        sumNs += latencyNs;
        // Branches, not min/max: after the first calls they are almost never taken, so nothing is stored.
        if (latencyNs < minNs) {
            minNs = latencyNs;
        }
        if (latencyNs > maxNs) {
            maxNs = latencyNs;
        }
    }

    /** The rest of a call that failed or was slow enough to reach a limit; after {@link #record}. */
    void recordRare(long latencyNs, boolean failed, long thresholdNs, ExactLimits limits) {
        if (failed) {
            errorCount++;
        }
        if (latencyNs > thresholdNs) {
            highLatencyCount++;
        }
        if (latencyNs >= limits.lowerNs()) {
            atOrAboveLowerCount++;
        }
        if (latencyNs > limits.upperNs()) {
            aboveUpperCount++;
        }
    }

    private long[] grow(int slot) {
        counts = Arrays.copyOf(counts, Math.max(slot + 1, counts.length * 2));
        return counts;
    }

    void add(LatencyStats other) {
        if (other.counts.length > counts.length) {
            grow(other.counts.length - 1);
        }
        for (int i = 0; i < other.counts.length; i++) {
            counts[i] += other.counts[i];
        }
        sumNs += other.sumNs;
        minNs = Math.min(minNs, other.minNs);
        maxNs = Math.max(maxNs, other.maxNs);
        errorCount += other.errorCount;
        highLatencyCount += other.highLatencyCount;
        atOrAboveLowerCount += other.atOrAboveLowerCount;
        aboveUpperCount += other.aboveUpperCount;
    }

    void reset() {
        Arrays.fill(counts, 0);
        sumNs = 0;
        minNs = Long.MAX_VALUE;
        maxNs = Long.MIN_VALUE;
        errorCount = 0;
        highLatencyCount = 0;
        atOrAboveLowerCount = 0;
        aboveUpperCount = 0;
    }

    long count() {
        long count = 0;
        for (int i = 0; i < FINE_OFFSET; i++) {
            count += counts[i];
        }
        return count;
    }

    LatencyDistribution toDistribution(ExactLimits limits) {
        return LatencyDistribution.copyOf(count(), errorCount, sumNs, minNs, maxNs, highLatencyCount,
                limits, atOrAboveLowerCount, aboveUpperCount, Arrays.copyOf(counts, FINE_OFFSET),
                FineBuckets.toHistogram(counts, FINE_OFFSET));
    }
}
