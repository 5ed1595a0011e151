package dev.mcpprobe.report;

import dev.mcpprobe.snapshot.LatencyDistribution;
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
        out.append(",\"").append(FIELD).append("\":[");
        if (calls.count() > 0) {
            Histogram histogram = calls.histogramCopy();
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
