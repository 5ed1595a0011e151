package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The recorder's buckets are those of HdrHistogram with 2 significant digits, so building one from them is exact. */
class FineBucketsTest {

    @Test
    void bucketsMatchHdrHistogramsLayout() {
        Histogram reference = new Histogram(1, Long.MAX_VALUE / 2, FineBuckets.SIGNIFICANT_DIGITS);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long value = i < 1_000 ? i : i < 1_000 + 62 * 3 ? edge(i - 1_000) : random.nextLong(1L << random.nextInt(1, 62));
            int index = FineBuckets.indexOf(value);
            assertEquals(reference.lowestEquivalentValue(value), FineBuckets.lowestValueAt(index), "lowest of " + value);
            assertEquals(reference.nextNonEquivalentValue(value), FineBuckets.lowestValueAt(index + 1), "next after " + value);
        }
    }

    /** 2^k - 1, 2^k, 2^k + 1 for k = 1..62. */
    private static long edge(int i) {
        return (1L << (i / 3 + 1)) + (i % 3) - 1;
    }

    @Test
    void histogramBuiltFromCountsEqualsOneFedTheValues() {
        long[] counts = new long[FineBuckets.INITIAL_COUNT + 5_000];
        Histogram direct = new Histogram(1, 2, FineBuckets.SIGNIFICANT_DIGITS);
        direct.setAutoResize(true);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            long value = (long) Math.exp(random.nextDouble() * Math.log(1e11));
            counts[10 + FineBuckets.indexOf(value)]++;
            direct.recordValue(value);
        }
        Histogram built = FineBuckets.toHistogram(counts, 10);
        assertEquals(direct.getTotalCount(), built.getTotalCount());
        for (double p = 0; p <= 100; p += 0.5) {
            assertEquals(direct.getValueAtPercentile(p), built.getValueAtPercentile(p), "P" + p);
        }
        assertEquals(direct.getMaxValue(), built.getMaxValue());
    }
}
