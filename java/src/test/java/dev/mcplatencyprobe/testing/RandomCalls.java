package dev.mcplatencyprobe.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded streams of calls with latencies of different shapes, end times in increasing order. */
public final class RandomCalls {
    public enum Shape {
        /** Log-uniform from 1 ns to 10 s: every order of magnitude. */
        LOG_UNIFORM,
        /** Two modes, around 2 µs and around 30 ms, with 1% of the calls in the slow one. */
        BIMODAL,
        /** Mostly sub-microsecond, a long tail up to minutes. */
        HEAVY_TAIL,
        /** Few distinct values, many repeats: ties at every percentile. */
        FEW_VALUES
    }

    private static final int[] SYSCALLS = {0, 1, 3, 7, 202, 232, 257, 281};
    private static final int[] TGIDS = {100, 200, 300};

    private RandomCalls() {}

    /** {@code count} calls starting at {@code startNs}, their ends {@code 0..2 * meanGapNs} apart. */
    public static List<Call> generate(long seed, Shape shape, int count, long startNs, long meanGapNs) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Call> calls = new ArrayList<>(count);
        long endNs = startNs;
        for (int i = 0; i < count; i++) {
            endNs += random.nextLong(2 * meanGapNs + 1);
            long ret = random.nextInt(20) == 0 ? -4 : random.nextInt(100);
            calls.add(new Call(endNs, latencyNs(random, shape), ret,
                    TGIDS[random.nextInt(TGIDS.length)], SYSCALLS[random.nextInt(SYSCALLS.length)]));
        }
        return calls;
    }

    private static long latencyNs(SplittableRandom random, Shape shape) {
        return switch (shape) {
            case LOG_UNIFORM -> (long) Math.exp(random.nextDouble() * Math.log(10e9));
            case BIMODAL -> random.nextInt(100) == 0
                    ? 30_000_000 + random.nextLong(-5_000_000, 5_000_000)
                    : 2_000 + random.nextLong(-500, 500);
            case HEAVY_TAIL -> (long) (300 / Math.pow(1 - random.nextDouble(), 1.5));
            case FEW_VALUES -> new long[] {0, 999, 1_000, 50_000_000, 10_000_000}[random.nextInt(5)];
        };
    }
}
