package dev.mcplatencyprobe.record;

import org.HdrHistogram.Histogram;

/**
 * The bucket layout of an HdrHistogram with lowest discernible value 1 and 2 significant digits:
 * latencies (ns) below 256 exactly, then 128 buckets per power of two (relative width at most
 * 1/128, under 0.8%). The recorder counts calls per bucket with one index computation and one
 * array increment, and {@link #toHistogram} turns the counts into that HdrHistogram bucket for bucket.
 */
final class FineBuckets {
    static final int SIGNIFICANT_DIGITS = 2;
    private static final int SUB_BUCKET_BITS = 7;
    private static final int HALF_SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Buckets for latencies up to about 2 s (2.9K buckets, 23 KB); longer ones grow the counts once. */
    static final int INITIAL_COUNT = indexOf(2_000_000_000L) + 1;

    /** Bucket of {@code valueNs >= 0}: from 256 on, the top 8 bits select one of 128 per power of two. */
    static int indexOf(long valueNs) {
        int shift = 56 - Long.numberOfLeadingZeros(valueNs | (2 * HALF_SUB_BUCKETS - 1));
        return (shift << SUB_BUCKET_BITS) + (int) (valueNs >>> shift);
    }

    /** Smallest value of bucket {@code index}. */
    static long lowestValueAt(int index) {
        if (index < 2 * HALF_SUB_BUCKETS) {
            return index;
        }
        int shift = (index >>> SUB_BUCKET_BITS) - 1;
        return (long) ((index & (HALF_SUB_BUCKETS - 1)) + HALF_SUB_BUCKETS) << shift;
    }

    /** The HdrHistogram of the counts {@code counts[offset + index]}, exact since the layouts match. */
    static Histogram toHistogram(long[] counts, int offset) {
        int highest = counts.length - 1;
        while (highest > offset && counts[highest] == 0) {
            highest--;
        }
        Histogram histogram = new Histogram(1, Math.max(2, lowestValueAt(highest - offset)), SIGNIFICANT_DIGITS);
        histogram.setAutoResize(true);
        for (int i = offset; i <= highest; i++) {
            if (counts[i] != 0) {
                histogram.recordValueWithCount(lowestValueAt(i - offset), counts[i]);
            }
        }
        return histogram;
    }

    private FineBuckets() {}
}
