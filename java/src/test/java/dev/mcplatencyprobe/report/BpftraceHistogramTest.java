package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcplatencyprobe.snapshot.HistogramBucket;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the goldens cannot show: values beyond bpftrace 0.17's range, counts wider than the column. */
class BpftraceHistogramTest {

    @Test
    void valuesFrom4GOnGetTheirTrueBucketWithLaterBpftracesLabels() {
        assertEquals("[4G, 8G)", BpftraceHistogram.label(Log2Buckets.indexOf(1L << 32)));
        assertEquals("[512G, 1T)", BpftraceHistogram.label(Log2Buckets.indexOf((1L << 40) - 1)));
        assertEquals("[1T, 2T)", BpftraceHistogram.label(Log2Buckets.indexOf(1L << 40)));
        assertEquals("[1P, 2P)", BpftraceHistogram.label(Log2Buckets.indexOf(1L << 50)));
        assertEquals("[4E, 8E)", BpftraceHistogram.label(Log2Buckets.indexOf(Long.MAX_VALUE)));
        assertEquals("(..., 0)", BpftraceHistogram.label(Log2Buckets.indexOf(-1)));
    }

    @Test
    void largestLatencyInMicrosecondsHasABucket() {
        int index = Log2Buckets.indexOf(Long.MAX_VALUE / 1_000);
        assertEquals("[8P, 16P)", BpftraceHistogram.label(index));
        assertEquals(1L << 53, Log2Buckets.lowerBound(index));
        assertEquals(1L << 54, Log2Buckets.upperBound(index));
    }

    @Test
    void countsWiderThanTheColumnPushTheBarRightAsInCpp() {
        StringBuilder out = new StringBuilder();
        BpftraceHistogram.appendRows(out, List.of(new HistogramBucket(2, 123_456_789_012L)));
        assertEquals("[1]             123456789012 |" + "@".repeat(52) + "|\n", out.toString());
    }

    @Test
    void noBucketsNoRows() {
        StringBuilder out = new StringBuilder();
        BpftraceHistogram.appendRows(out, List.of());
        assertEquals("", out.toString());
    }
}
