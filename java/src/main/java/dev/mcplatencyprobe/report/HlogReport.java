package dev.mcplatencyprobe.report;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The run's interval windows in HdrHistogram's interval log format ({@link HistogramLogWriter}),
 * which HistogramLogAnalyzer, {@code HistogramLogProcessor} and HdrHistogram's readers in other
 * languages open: one histogram (latencies in ns) per window and tag, tags as in {@link
 * IntervalHistograms}; timestamps in seconds since the run's start, base time the run's start.
 */
public final class HlogReport {
    /** The max column in ms: HistogramLogWriter divides the ns values by this. */
    private static final double NS_PER_MS = 1_000_000.0;

    public static String render(IntervalHistograms intervals) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        HistogramLogWriter log = new HistogramLogWriter(stream);
        log.outputComment("mcp-latency-probe syscall latencies in ns; tags: all, without_waits (the calls the"
                + " verdict is taken from), syscall:NAME (the first " + IntervalHistograms.MAX_SYSCALL_TAGS
                + " syscalls seen); max column in ms");
        if (intervals.tailMismatch()) {
            log.outputComment("warning: the end of the run after the last interval report is missing for some tags");
        }
        log.outputLogFormatVersion();
        log.outputStartTime(intervals.startEpochMs());
        log.outputBaseTime(intervals.startEpochMs());
        log.setBaseTime(intervals.startEpochMs());
        log.outputLegend();
        for (IntervalHistograms.Window window : intervals.windows()) {
            double startS = (window.startNs() - intervals.startNs()) / 1e9;
            double lengthS = (window.endNs() - window.startNs()) / 1e9;
            // "all" first: a reader that takes the first histogram of each interval gets every call.
            List<String> tags = new ArrayList<>(List.of(IntervalHistograms.ALL));
            window.compressed().keySet().stream().filter(t -> !t.equals(IntervalHistograms.ALL)).sorted().forEach(tags::add);
            for (String tag : tags) {
                Histogram h = window.histogram(tag);
                h.setTag(tag);
                log.outputIntervalHistogram(startS, startS + lengthS, h, NS_PER_MS);
            }
        }
        stream.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private HlogReport() {}
}
