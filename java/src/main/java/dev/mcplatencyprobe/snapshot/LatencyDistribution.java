package dev.mcplatencyprobe.snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The latencies of one group of calls (all of a window, one syscall, one process), immutable.
 *
 * <p>Count, errors, sum, min and max are exact. Percentiles come from an HdrHistogram (relative
 * error under 0.8% with the recorder's 2 significant digits), clamped to the exact min and max;
 * around its {@link ExactLimits} (the verdict's 10 ms and 50 ms unless the recorder was given others)
 * exact counts decide, so the verdict taken from P99 is exact even where the histogram's bucket
 * straddles a limit. Percentiles use the nearest-rank
 * definition: the value of the call at rank {@code ceil(p/100 * count)}.
 */
public final class LatencyDistribution {
    /**
     * Two latencies around which percentiles are exact: the recorder counts the calls at or above
     * {@code lowerNs} and those above {@code upperNs} exactly.
     */
    public record ExactLimits(long lowerNs, long upperNs) {
        public ExactLimits {
            if (lowerNs < 1 || upperNs < lowerNs) {
                throw new IllegalArgumentException("exact limits need 1 <= lower <= upper, got " + lowerNs + ", " + upperNs);
            }
        }
    }

    /** The verdict's limits: P99 below 10 ms, up to 50 ms ({@link Verdict}). */
    public static final ExactLimits VERDICT_LIMITS = new ExactLimits(Verdict.EXCELLENT_BELOW_NS, Verdict.GOOD_UP_TO_NS);

    public static final LatencyDistribution EMPTY = new LatencyDistribution(
            0, 0, 0, 0, 0, 0, VERDICT_LIMITS, 0, 0, new long[Log2Buckets.COUNT], new Histogram(1));

    private final long count;
    private final long errorCount;
    private final long sumNs;
    private final long minNs;
    private final long maxNs;
    private final long highLatencyCount;
    private final ExactLimits limits;
    private final long atOrAboveLowerCount;
    private final long aboveUpperCount;
    private final long[] log2Counts;
    private final Histogram histogram;
    /** The percentiles every report shows, computed once: each query scans the histogram. */
    private final long p50Ns;
    private final long p90Ns;
    private final long p99Ns;
    private final long p999Ns;

    private LatencyDistribution(long count, long errorCount, long sumNs, long minNs, long maxNs,
            long highLatencyCount, ExactLimits limits, long atOrAboveLowerCount, long aboveUpperCount,
            long[] log2Counts, Histogram histogram) {
        this.count = count;
        this.errorCount = errorCount;
        this.sumNs = sumNs;
        this.minNs = minNs;
        this.maxNs = maxNs;
        this.highLatencyCount = highLatencyCount;
        this.limits = limits;
        this.atOrAboveLowerCount = atOrAboveLowerCount;
        this.aboveUpperCount = aboveUpperCount;
        this.log2Counts = log2Counts;
        this.histogram = histogram;
        this.p50Ns = valueAtPercentile(50);
        this.p90Ns = valueAtPercentile(90);
        this.p99Ns = valueAtPercentile(99);
        this.p999Ns = valueAtPercentile(99.9);
    }

    /**
     * A distribution from a recorder's counters, copying the arrays and the histogram.
     *
     * @param highLatencyCount   calls above the snapshot's threshold
     * @param limits              the latencies around which the next two counts make percentiles exact
     * @param atOrAboveLowerCount calls of at least {@code limits.lowerNs()}
     * @param aboveUpperCount     calls above {@code limits.upperNs()}
     * @param log2CountsUs       counts per {@link Log2Buckets} bucket of the latency in microseconds
     * @param histogram          the latencies in ns (negative ones recorded as 0)
     */
    public static LatencyDistribution copyOf(long count, long errorCount, long sumNs, long minNs, long maxNs,
            long highLatencyCount, ExactLimits limits, long atOrAboveLowerCount, long aboveUpperCount,
            long[] log2CountsUs, AbstractHistogram histogram) {
        if (log2CountsUs.length != Log2Buckets.COUNT) {
            throw new IllegalArgumentException("need " + Log2Buckets.COUNT + " log2 buckets, got " + log2CountsUs.length);
        }
        if (count == 0) {
            return EMPTY;
        }
        return new LatencyDistribution(count, errorCount, sumNs, minNs, maxNs, highLatencyCount,
                limits, atOrAboveLowerCount, aboveUpperCount, log2CountsUs.clone(), copyOfHistogram(histogram));
    }

    private static Histogram copyOfHistogram(AbstractHistogram source) {
        Histogram copy = new Histogram(source); // same layout, no counts yet
        copy.setAutoResize(true);
        copy.add(source);
        return copy;
    }

    public long count() { return count; }
    /** Calls that returned a negative value ({@code -errno}). */
    public long errorCount() { return errorCount; }
    public long sumNs() { return sumNs; }
    /** Exact; 0 without calls. */
    public long minNs() { return minNs; }
    /** Exact; 0 without calls. */
    public long maxNs() { return maxNs; }
    public long meanNs() { return count == 0 ? 0 : sumNs / count; }
    /** Calls above the threshold of the snapshot this distribution belongs to. */
    public long highLatencyCount() { return highLatencyCount; }

    public long p50Ns() { return p50Ns; }
    public long p90Ns() { return p90Ns; }
    public long p99Ns() { return p99Ns; }
    public long p999Ns() { return p999Ns; }

    public Verdict verdict() { return Verdict.of(count, p99Ns); }

    /** The latency at {@code percentile} (0..100) in ns; 0 without calls. */
    public long valueAtPercentile(double percentile) {
        if (percentile < 0 || percentile > 100 || Double.isNaN(percentile)) {
            throw new IllegalArgumentException("percentile must be in 0..100, got " + percentile);
        }
        if (count == 0) {
            return 0;
        }
        long value = Math.max(minNs, Math.min(maxNs, histogram.getValueAtPercentile(percentile)));
        long rank = rankOf(percentile);
        // The exact counts say on which side of each limit the call at this rank lies.
        if (rank <= count - atOrAboveLowerCount) {
            value = Math.min(value, limits.lowerNs() - 1);
        } else {
            value = Math.max(value, limits.lowerNs());
        }
        if (rank <= count - aboveUpperCount) {
            value = Math.min(value, limits.upperNs());
        } else {
            value = Math.max(value, limits.upperNs() + 1);
        }
        return value;
    }

    /** The 1-based rank HdrHistogram answers for; nudged down so that 99% of 100 is rank 99, not 100. */
    private long rankOf(double percentile) {
        double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0), 100);
        return Math.max(1, (long) Math.ceil(requested / 100 * count));
    }

    /** Count in {@link Log2Buckets} bucket {@code index}. */
    public long log2Count(int index) { return log2Counts[index]; }

    /** The rows bpftrace would print: from the first to the last non-empty bucket, empty ones between. */
    public List<HistogramBucket> buckets() {
        int first = -1;
        int last = -1;
        for (int i = 0; i < log2Counts.length; i++) {
            if (log2Counts[i] != 0) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        List<HistogramBucket> rows = new ArrayList<>(first < 0 ? 0 : last - first + 1);
        for (int i = first; first >= 0 && i <= last; i++) {
            rows.add(new HistogramBucket(i, log2Counts[i]));
        }
        return rows;
    }

    /** Receives the buckets of the ns histogram, see {@link #forEachBucket}. */
    @FunctionalInterface
    public interface BucketVisitor {
        /** Calls from {@code lowestNs} to {@code highestNs} (both included): {@code count} of them. */
        void bucket(long lowestNs, long highestNs, long count);
    }

    /**
     * The non-empty buckets of the ns histogram, lowest first, without copying it (exporters build
     * their own bucket layouts from these; each bucket is at most 1/128 of its value wide).
     */
    public void forEachBucket(BucketVisitor visitor) {
        for (HistogramIterationValue v : histogram.recordedValues()) {
            long highest = v.getValueIteratedTo();
            visitor.bucket(histogram.lowestEquivalentValue(highest), highest, v.getCountAtValueIteratedTo());
        }
    }

    /**
     * A copy of the HdrHistogram (ns, 2 significant digits), e.g. to send it to another host in
     * HdrHistogram's compressed encoding and add it to a histogram there.
     */
    public Histogram histogramCopy() { return copyOfHistogram(histogram); }

    /** Both groups of calls as one: exactly as if recorded together when both histograms have the same precision. */
    public LatencyDistribution merge(LatencyDistribution other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        if (!limits.equals(other.limits)) {
            throw new IllegalArgumentException("cannot merge distributions counted around different limits: " + limits + ", " + other.limits);
        }
        long[] log2 = log2Counts.clone();
        for (int i = 0; i < log2.length; i++) {
            log2[i] += other.log2Counts[i];
        }
        // Keep the finer precision of the two; add() re-buckets the coarser one's values.
        boolean keepMine = histogram.getNumberOfSignificantValueDigits()
                >= other.histogram.getNumberOfSignificantValueDigits();
        Histogram merged = copyOfHistogram(keepMine ? histogram : other.histogram);
        merged.add(keepMine ? other.histogram : histogram);
        return new LatencyDistribution(count + other.count, errorCount + other.errorCount, sumNs + other.sumNs,
                Math.min(minNs, other.minNs), Math.max(maxNs, other.maxNs),
                highLatencyCount + other.highLatencyCount, limits, atOrAboveLowerCount + other.atOrAboveLowerCount,
                aboveUpperCount + other.aboveUpperCount, log2, merged);
    }

    @Override
    public String toString() {
        return "LatencyDistribution[count=" + count + ", p50Ns=" + p50Ns + ", p99Ns=" + p99Ns
                + ", maxNs=" + maxNs + ", log2=" + Arrays.toString(log2Counts) + "]";
    }
}
