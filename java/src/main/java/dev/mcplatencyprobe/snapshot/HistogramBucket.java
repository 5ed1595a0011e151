package dev.mcplatencyprobe.snapshot;

/**
 * One row of the log2 histogram: bucket {@code index} of {@link Log2Buckets}, holding
 * {@code count} calls whose latency in microseconds lies in {@code [lowUs, highUs)}.
 */
public record HistogramBucket(int index, long count) {
    public boolean isNegative() { return index == Log2Buckets.NEGATIVE; }
    public long lowUs() { return Log2Buckets.lowerBound(index); }
    public long highUs() { return Log2Buckets.upperBound(index); }
}
