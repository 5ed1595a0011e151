package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.snapshot.HistogramBucket;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import java.util.List;

/**
 * Histogram rows exactly as bpftrace's {@code hist()} prints them (checked byte for byte against
 * bpftrace 0.17 by the golden tests): label left-aligned in 16 columns, count right-aligned in 8,
 * {@code " |"}, a bar of {@code @} scaled to 52 columns of the largest bucket, {@code "|"}.
 */
public final class BpftraceHistogram {
    private static final int LABEL_COLUMNS = 16;
    private static final int COUNT_COLUMNS = 8;
    private static final int BAR_COLUMNS = 52;
    private static final String SUFFIXES = "KMGTPE";

    /** Appends one line per bucket, each ending in {@code '\n'}; nothing for no buckets. */
    public static void appendRows(StringBuilder out, List<HistogramBucket> rows) {
        long max = 0;
        for (HistogramBucket row : rows) {
            max = Math.max(max, row.count());
        }
        for (HistogramBucket row : rows) {
            String label = label(row.index());
            out.append(label);
            pad(out, LABEL_COLUMNS - label.length());
            String count = Long.toString(row.count());
            pad(out, COUNT_COLUMNS - count.length());
            out.append(count).append(" |");
            // bpftrace computes the bar in float: count / (float) max * 52, truncated.
            int bar = (int) ((float) row.count() / (float) max * BAR_COLUMNS);
            for (int i = 0; i < bar; i++) {
                out.append('@');
            }
            pad(out, BAR_COLUMNS - bar);
            out.append("|\n");
        }
    }

    /** {@code (..., 0)}, {@code [0]}, {@code [1]}, {@code [2, 4)}, ..., {@code [1K, 2K)}, ... */
    public static String label(int index) {
        if (index == Log2Buckets.NEGATIVE) {
            return "(..., 0)";
        }
        if (index == 1) {
            return "[0]";
        }
        if (index == 2) {
            return "[1]";
        }
        int power = index - 2;
        return "[" + powerOfTwo(power) + ", " + powerOfTwo(power + 1) + ")";
    }

    /** 2^power with a suffix per factor of 1024: 512, 1K, 2K, ..., 1M, ... */
    private static String powerOfTwo(int power) {
        int thousands = power / 10;
        String number = Long.toString(1L << (power - 10 * thousands));
        return thousands == 0 ? number : number + SUFFIXES.charAt(thousands - 1);
    }

    private static void pad(StringBuilder out, int spaces) {
        for (int i = 0; i < spaces; i++) {
            out.append(' ');
        }
    }

    private BpftraceHistogram() {}
}
