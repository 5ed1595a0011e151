package dev.mcplatencyprobe.snapshot;

/**
 * The buckets of bpftrace's {@code hist()}: index 0 holds negative values, 1 holds 0, 2 holds 1,
 * and index {@code k + 2} holds {@code [2^k, 2^(k+1))}.
 *
 * <p>bpftrace 0.17 computes the index with 32-bit steps and so puts every value at or above
 * 2^32 into {@code [2G, 4G)}; here such values get their true bucket, as later bpftrace releases do.
 * For latencies in microseconds that only matters for calls longer than 71 minutes.
 */
public final class Log2Buckets {
    /** Enough buckets for any {@code long}: negative, 0, and powers 0..62. */
    public static final int COUNT = 65;
    public static final int NEGATIVE = 0;

    /** The bucket of {@code value}; branch-free for values >= 0 (0 has 64 leading zeros, so lands in 1). */
    public static int indexOf(long value) {
        return value < 0 ? NEGATIVE : 65 - Long.numberOfLeadingZeros(value);
    }

    /** Smallest value in the bucket; {@link Long#MIN_VALUE} for the negative bucket. */
    public static long lowerBound(int index) {
        checkIndex(index);
        return index == NEGATIVE ? Long.MIN_VALUE : index == 1 ? 0 : 1L << (index - 2);
    }

    /** First value above the bucket (exclusive bound); saturates at {@link Long#MAX_VALUE} for the last one. */
    public static long upperBound(int index) {
        checkIndex(index);
        if (index == NEGATIVE) {
            return 0;
        }
        return index == COUNT - 1 ? Long.MAX_VALUE : 1L << (index - 1);
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= COUNT) {
            throw new IndexOutOfBoundsException("log2 bucket " + index + " outside 0.." + (COUNT - 1));
        }
    }

    private Log2Buckets() {}
}
