package dev.mcplatencyprobe.export.prometheus;

import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.Arrays;

/**
 * Sums one or more {@link LatencyDistribution}s into one Prometheus histogram data point with both
 * representations; reused across data points ({@link #reset}), not thread-safe.
 *
 * <p><b>Classic buckets</b> are the text report's rows: {@code [0]}, {@code [1, 2)}, {@code [2, 4)}
 * ... µs up to {@code [32M, 64M)} µs (67 s), then {@code +Inf}. Latencies are whole nanoseconds,
 * so a row's exclusive end {@code E} is the inclusive bound {@code le = E - 1 ns}
 * ({@code le="1.999E-6"} counts the calls under 2 µs): the cumulative counts are the report's
 * exact counts, not estimates. (Negative latencies, from a clock going backwards, count as 0.)
 *
 * <p><b>Native buckets</b> use schema {@value #NATIVE_SCHEMA}: boundaries at {@code 2^(i/32)}
 * seconds, each bucket {@code (2^((i-1)/32), 2^(i/32)]} 2.19% wide. They are filled from the
 * recorder's fine buckets (at most 1/128 = 0.78% wide), each put whole into the native bucket that
 * holds its highest value, so a call may sit one native bucket above its own; zero-latency calls
 * go to the zero bucket (threshold 0). A quantile read from them is within
 * {@link #NATIVE_RELATIVE_ERROR} of the true value: both lie in
 * {@code [2^((i-1)/32) / (1 + 1/128), 2^(i/32)]}.
 */
final class HistogramAccumulator {
    /** 2^5 = 32 buckets per power of two. */
    static final int NATIVE_SCHEMA = 5;
    /** 2^(1/32) * (1 + 1/128) - 1 = 2.99%: the native buckets' width times the fine buckets'. */
    static final double NATIVE_RELATIVE_ERROR = Math.pow(2, 1.0 / (1 << NATIVE_SCHEMA)) * (1 + 1.0 / 128) - 1;
    /** The last text report row with a classic bucket of its own: [2^25, 2^26) µs. */
    static final int LAST_CLASSIC_ROW = 27;
    private static final double NS_PER_S = 1e9;
    /** Native bucket indexes: 1 ns is index -957, Long.MAX_VALUE ns (292 years) 1056. */
    private static final int MIN_NATIVE_INDEX = -960;
    private static final int MAX_NATIVE_INDEX = 1060;
    private static final double INDEXES_PER_LOG = (1 << NATIVE_SCHEMA) / Math.log(2);
    /** Upper bound in ns of each native bucket, by index - MIN_NATIVE_INDEX: a table walk, not a log per bucket. */
    private static final double[] NATIVE_UPPER_NS = nativeUpperBoundsNs();
    /** Upper bounds in seconds of the classic buckets, rows 1..LAST_CLASSIC_ROW then +Inf. */
    static final double[] CLASSIC_UPPER_BOUNDS = classicUpperBounds();

    private final long[] classic = new long[CLASSIC_UPPER_BOUNDS.length];
    private final long[] nativeCounts = new long[MAX_NATIVE_INDEX - MIN_NATIVE_INDEX + 1];
    private int lowestTouched = Integer.MAX_VALUE;
    private int highestTouched = Integer.MIN_VALUE;
    private long zeroCount;
    private long count;
    private long sumNs;
    private final LatencyDistribution.BucketVisitor toNative = this::addFine;
    /** Where the previous fine bucket went: buckets come lowest first, so the next one is here or above. */
    private int slotHint;

    private static double[] classicUpperBounds() {
        double[] bounds = new double[LAST_CLASSIC_ROW + 1];
        for (int row = 1; row <= LAST_CLASSIC_ROW; row++) {
            bounds[row - 1] = (Log2Buckets.upperBound(row) * 1000 - 1) / NS_PER_S;
        }
        bounds[LAST_CLASSIC_ROW] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    private static double[] nativeUpperBoundsNs() {
        double[] bounds = new double[MAX_NATIVE_INDEX - MIN_NATIVE_INDEX + 1];
        for (int slot = 0; slot < bounds.length; slot++) {
            bounds[slot] = Math.pow(2, (double) (slot + MIN_NATIVE_INDEX) / (1 << NATIVE_SCHEMA)) * NS_PER_S;
        }
        return bounds;
    }

    /** The native bucket index of {@code ns > 0}: the i with 2^((i-1)/32) < ns * 1e-9 <= 2^(i/32). */
    static int nativeIndex(long ns) {
        return (int) Math.ceil(Math.log(ns / NS_PER_S) * INDEXES_PER_LOG);
    }

    void reset() {
        Arrays.fill(classic, 0);
        if (lowestTouched <= highestTouched) {
            Arrays.fill(nativeCounts, lowestTouched, highestTouched + 1, 0);
        }
        lowestTouched = Integer.MAX_VALUE;
        highestTouched = Integer.MIN_VALUE;
        zeroCount = 0;
        count = 0;
        sumNs = 0;
    }

    void add(LatencyDistribution d) {
        if (d.count() == 0) {
            return;
        }
        count += d.count();
        sumNs += d.sumNs();
        classic[0] += d.log2Count(Log2Buckets.NEGATIVE);
        for (int row = 1; row < Log2Buckets.COUNT; row++) {
            classic[Math.min(row, LAST_CLASSIC_ROW + 1) - 1] += d.log2Count(row);
        }
        slotHint = 0;
        d.forEachBucket(toNative);
    }

    private void addFine(long lowestNs, long highestNs, long n) {
        if (highestNs <= 0) {
            zeroCount += n;
            return;
        }
        int slot = slotHint;
        if (slot == 0 || highestNs > NATIVE_UPPER_NS[slot] * 2) {
            slot = nativeIndex(highestNs) - MIN_NATIVE_INDEX; // first bucket, or a gap of a power of two: one log
        }
        while (highestNs > NATIVE_UPPER_NS[slot]) {
            slot++;
        }
        while (slot > 0 && highestNs <= NATIVE_UPPER_NS[slot - 1]) {
            slot--; // the log's rounding at a boundary
        }
        slotHint = slot;
        nativeCounts[slot] += n;
        lowestTouched = Math.min(lowestTouched, slot);
        highestTouched = Math.max(highestTouched, slot);
    }

    long count() { return count; }

    HistogramDataPointSnapshot toDataPoint(Labels labels) {
        int n = 0;
        for (int slot = lowestTouched; slot <= highestTouched; slot++) {
            if (nativeCounts[slot] != 0) {
                n++;
            }
        }
        int[] indexes = new int[n];
        long[] counts = new long[n];
        n = 0;
        for (int slot = lowestTouched; slot <= highestTouched; slot++) {
            if (nativeCounts[slot] != 0) {
                indexes[n] = slot + MIN_NATIVE_INDEX;
                counts[n++] = nativeCounts[slot];
            }
        }
        return HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(CLASSIC_UPPER_BOUNDS, classic.clone()))
                .nativeSchema(NATIVE_SCHEMA)
                .nativeZeroThreshold(0)
                .nativeZeroCount(zeroCount)
                .nativeBucketsForPositiveValues(NativeHistogramBuckets.of(indexes, counts))
                .nativeBucketsForNegativeValues(NativeHistogramBuckets.EMPTY)
                .sum(sumNs / NS_PER_S)
                .labels(labels)
                .build();
    }
}
