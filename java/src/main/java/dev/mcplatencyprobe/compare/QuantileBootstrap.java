package dev.mcplatencyprobe.compare;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The bootstrap interval of the difference of one percentile between two histograms.
 *
 * <p>A bootstrap resample draws {@code n} calls with replacement from a histogram's {@code n} calls;
 * its percentile at rank {@code k = ceil(p/100 * n)} is the histogram's value at the {@code k}-th
 * smallest of {@code n} uniform draws, and that order statistic is Beta(k, n + 1 - k) distributed.
 * So one resample's percentile costs one Beta draw and one binary search instead of {@code n}
 * draws, whatever the counts; the result is the same as resampling the calls one by one. The
 * interval is the central {@code confidence} share of {@code resamples} differences NEW - BASE,
 * from a fixed seed, so the same files always give the same decision.
 */
final class QuantileBootstrap {
    static final int RESAMPLES = 2000;
    static final double CONFIDENCE = 0.99;
    static final long SEED = 0x6d63706c6174L; // fixed: a CI gate must not flip between two runs on the same files

    /** A histogram's buckets as sorted values and cumulative counts, for quantiles by binary search. */
    static final class Cdf {
        final long[] values;
        final long[] cumulative;
        final long count;

        Cdf(Histogram h) {
            int buckets = 0;
            for (HistogramIterationValue ignored : h.recordedValues()) {
                buckets++;
            }
            values = new long[buckets];
            cumulative = new long[buckets];
            long sum = 0;
            int i = 0;
            for (HistogramIterationValue v : h.recordedValues()) {
                // The bucket's highest value, as HdrHistogram's getValueAtPercentile answers.
                values[i] = h.highestEquivalentValue(v.getValueIteratedTo());
                sum += v.getCountAtValueIteratedTo();
                cumulative[i++] = sum;
            }
            count = sum;
        }

        /** The value of the call at 1-based rank {@code rank}. */
        long valueAtRank(long rank) {
            int i = Arrays.binarySearch(cumulative, Math.max(1, Math.min(rank, count)));
            return values[i >= 0 ? i : -i - 1];
        }

        /** Nearest rank: the call at rank ceil(p/100 * n). */
        long valueAtPercentile(double percentile) {
            return valueAtRank(rankOf(percentile, count));
        }
    }

    static long rankOf(double percentile, long count) {
        return Math.max(1, (long) Math.ceil(percentile / 100 * count - 1e-9));
    }

    /** [low, high] of NEW - BASE in ns. */
    static long[] differenceInterval(Cdf base, Cdf next, double percentile, SplittableRandom random) {
        long[] diffs = new long[RESAMPLES];
        for (int i = 0; i < RESAMPLES; i++) {
            diffs[i] = resampledPercentile(next, percentile, random) - resampledPercentile(base, percentile, random);
        }
        Arrays.sort(diffs);
        double tail = (1 - CONFIDENCE) / 2;
        int lo = (int) Math.floor(tail * (RESAMPLES - 1));
        int hi = (int) Math.ceil((1 - tail) * (RESAMPLES - 1));
        return new long[] {diffs[lo], diffs[hi]};
    }

    private static long resampledPercentile(Cdf cdf, double percentile, SplittableRandom random) {
        long n = cdf.count;
        long k = rankOf(percentile, n);
        double u = beta(k, n + 1 - k, random);
        // The k-th smallest of n uniforms is u: the resample's call at rank k is the one at rank ceil(u * n).
        return cdf.valueAtRank((long) Math.ceil(u * n));
    }

    /** A Beta(a, b) draw as X / (X + Y) of two Gamma draws. */
    static double beta(double a, double b, SplittableRandom random) {
        double x = gamma(a, random);
        double y = gamma(b, random);
        return x / (x + y);
    }

    /** A Gamma(shape, 1) draw, shape >= 1 (Marsaglia and Tsang, 2000). */
    static double gamma(double shape, SplittableRandom random) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = gaussian(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private QuantileBootstrap() {}
}
