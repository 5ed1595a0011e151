package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A distribution's fine histogram as JSON: {@code "fine_histogram_ns":[[lowest_ns,count],...]}, one
 * pair per non-empty HdrHistogram bucket (2 significant digits: a bucket spans under 0.8% of its
 * value), lowest bucket first. Enough to rebuild the histogram bucket for bucket, e.g. for
 * {@code compare}'s bootstrap; any renderer that puts a distribution into JSON uses this one method.
 */
public final class FineHistogramJson {
    public static final String FIELD = "fine_histogram_ns";

    /** Appends {@code ,"fine_histogram_ns":[...]} ({@code []} without calls). */
    public static void append(StringBuilder out, LatencyDistribution calls) {
        append(out, calls.count() > 0 ? calls.histogramCopy() : null);
    }

    /** The same for a histogram kept elsewhere (the --mcp methods'); null or empty gives {@code []}. */
    public static void append(StringBuilder out, Histogram histogram) {
        out.append(",\"").append(FIELD).append("\":[");
        if (histogram != null && histogram.getTotalCount() > 0) {
            String separator = "";
            for (HistogramIterationValue v : histogram.recordedValues()) {
                out.append(separator).append('[').append(histogram.lowestEquivalentValue(v.getValueIteratedTo()))
                        .append(',').append(v.getCountAtValueIteratedTo()).append(']');
                separator = ",";
            }
        }
        out.append(']');
    }

    private FineHistogramJson() {}
}
