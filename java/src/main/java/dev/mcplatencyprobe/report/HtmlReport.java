package dev.mcplatencyprobe.report;

import dev.mcplatencyprobe.mcp.McpSnapshot;
import dev.mcplatencyprobe.snapshot.HistogramBucket;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.snapshot.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The report as one self-contained HTML page to open and share: inline CSS and SVG, nothing
 * fetched, readable with JavaScript off (a small inline script only sorts the tables on a click).
 * From the same snapshot as {@link TextReport} and {@link JsonReport}: the distribution (the log2
 * rows of the text report as bars, one {@code rect.bar} per row, and the fine histogram as a line)
 * with P50/P90/P99/P99.9 and the verdict limits; the percentile ladder; P50/P99 and calls per second
 * per interval window ({@link IntervalHistograms}); the syscall, process and loss tables; the verdict
 * and its basis. Marked percentiles carry {@code data-percentile} and {@code data-ns} (the JSON's value).
 */
public final class HtmlReport {
    /** The fine line's bin: 1/16 of a power of two, coarse enough to be smooth, fine enough to show shape. */
    private static final int BINS_PER_OCTAVE = 16;
    private static final int LADDER_POINTS = 240;
    /** The ladder's right end: 99.99%, four nines. */
    private static final double LADDER_NINES = 4;
    private static final double[] MARKED = {50, 90, 99, 99.9};

    public static String render(LatencySnapshot snapshot, IntFunction<String> processNames, IntervalHistograms intervals) {
        return render(snapshot, processNames, intervals, null);
    }

    /** @param mcp the MCP methods of the run (--mcp), or null */
    public static String render(LatencySnapshot snapshot, IntFunction<String> processNames, IntervalHistograms intervals,
            McpSnapshot mcp) {
        String title = "MCP Latency Report (" + TextReport.title(snapshot) + ")";
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n<style>").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<h1>").append(Html.escape(title)).append("</h1>\n");
        appendVerdict(out, snapshot);
        appendSummary(out, snapshot);
        out.append("<section>\n<h2>Latency distribution</h2>\n");
        appendDistribution(out, snapshot);
        out.append("<p class=\"note\">Bars: the calls per log2 bucket, the rows of the text report (left axis). Line: the"
                + " same calls in buckets of 1/" + BINS_PER_OCTAVE + " of a power of two (right axis). Vertical lines: the"
                + " percentiles of all calls; P99 of the calls that are not blocking waits (the verdict's basis) dashed;"
                + " the verdict limits at 10 ms and 50 ms in red.</p>\n</section>\n");
        out.append("<section>\n<h2>Percentile ladder</h2>\n");
        appendLadder(out, snapshot);
        out.append("</section>\n<section>\n<h2>Over time</h2>\n");
        appendOverTime(out, intervals);
        out.append("</section>\n");
        appendSyscalls(out, snapshot);
        appendProcesses(out, snapshot, processNames);
        if (mcp != null) {
            appendMcp(out, mcp);
        }
        appendLoss(out, snapshot.loss());
        out.append("<footer>mcp-latency-probe: the same data as the .txt and .json reports of this run.")
                .append(" Latencies are per syscall, from entry to exit.</footer>\n");
        out.append("<script>").append(SORT_SCRIPT).append("</script>\n</body>\n</html>\n");
        return out.toString();
    }

    private static void appendVerdict(StringBuilder out, LatencySnapshot snapshot) {
        Verdict verdict = snapshot.verdict();
        LatencyDistribution basis = snapshot.withoutWaits();
        out.append("<section class=\"verdict v-").append(verdict.name()).append("\">\n<h2>Verdict: ")
                .append(verdict.name()).append("</h2>\n<p><strong>").append(Html.escape(snapshot.verdictRule()))
                .append("</strong>");
        if (basis.count() > 0) {
            out.append(": P99 ").append(Html.escape(Durations.latency(basis.p99Ns()))).append(" of the ")
                    .append(basis.count()).append(basis.count() == 1 ? " call that is not a blocking wait" : " calls that are not blocking waits");
        }
        out.append(". ").append(Html.escape(snapshot.verdictAction())).append(".</p>\n<p class=\"note\">Basis: ");
        List<SyscallLatency> waits = snapshot.blockingWaits();
        if (snapshot.blockingWaitCount() == 0) {
            out.append("every call (no blocking waits seen).");
        } else {
            out.append("the calls that are not blocking waits; ").append(snapshot.blockingWaitCount())
                    .append(" blocking waits left out (idle time, not syscall cost)");
            String separator = ": ";
            for (SyscallLatency w : waits) {
                out.append(separator).append(Html.escape(w.name())).append(' ').append(w.latency().count());
                separator = ", ";
            }
            out.append('.');
        }
        out.append(" EXCELLENT: P99 &lt; 10 ms; GOOD: 10 ms &le; P99 &le; 50 ms; PROBLEMATIC: P99 &gt; 50 ms.</p>\n</section>\n");
    }

    private static void appendSummary(StringBuilder out, LatencySnapshot snapshot) {
        out.append("<section>\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>calls</th><th>count</th>"
                + "<th>failed</th><th>high latency (&gt;").append(Html.escape(Durations.limit(snapshot.thresholdNs())))
                .append(")</th><th>P50</th><th>P90</th><th>P99</th><th>P99.9</th><th>max</th></tr></thead>\n<tbody>\n");
        summaryRow(out, "all calls", snapshot.total());
        summaryRow(out, "without blocking waits (verdict basis)", snapshot.withoutWaits());
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static void summaryRow(StringBuilder out, String label, LatencyDistribution d) {
        out.append("<tr><td>").append(Html.escape(label)).append("</td>");
        number(out, d.count());
        number(out, d.errorCount());
        number(out, d.highLatencyCount());
        for (double p : MARKED) {
            latency(out, d, d.count() == 0 ? 0 : d.valueAtPercentile(p));
        }
        latency(out, d, d.maxNs());
        out.append("</tr>\n");
    }

    private static void appendDistribution(StringBuilder out, LatencySnapshot snapshot) {
        LatencyDistribution total = snapshot.total();
        List<HistogramBucket> rows = total.buckets();
        if (rows.isEmpty()) {
            out.append("<p>No calls.</p>\n");
            return;
        }
        double lowest = rows.get(0).isNegative() || rows.get(0).lowUs() == 0 ? Math.min(100, Math.max(1, total.minNs()))
                : rows.get(0).lowUs() * 1000.0;
        double highest = Math.max(upperNs(rows.get(rows.size() - 1)), Verdict.GOOD_UP_TO_NS * 1.5);
        Svg.Scale x = Svg.Scale.log(Svg.pow10Floor(lowest), Svg.pow10Ceil(highest), Svg.plotLeft(), Svg.plotRight());
        long maxCount = rows.stream().mapToLong(HistogramBucket::count).max().orElse(1);
        Svg.Scale y = Svg.Scale.linear(0, Svg.niceMax(maxCount), Svg.plotBottom(), Svg.plotTop());
        TreeMap<Integer, Long> bins = fineBins(total);
        long maxBin = bins.values().stream().mapToLong(Long::longValue).max().orElse(1);
        Svg.Scale y2 = Svg.Scale.linear(0, Svg.niceMax(maxBin), Svg.plotBottom(), Svg.plotTop());

        Svg.open(out, "distribution", "Latency distribution of " + total.count() + " calls, log latency axis");
        Svg.logLatencyTicksX(out, x);
        Svg.linearTicks(out, y, true, false, "");
        Svg.linearTicks(out, y2, true, true, "");
        Svg.frame(out, "latency per call (ns to s, log scale)");
        Svg.verticalTitle(out, 18, "calls per log2 bucket (bars)");
        Svg.verticalTitle(out, Svg.WIDTH - 10, "calls per 1/" + BINS_PER_OCTAVE + " power of two (line)");
        for (HistogramBucket row : rows) {
            // Rows below 1 µs start at the axis: a log axis has no 0 (the negative row is a sliver there).
            double x0 = row.isNegative() || row.lowUs() == 0 ? x.px(x.min()) : x.px(row.lowUs() * 1000.0);
            double x1 = row.isNegative() ? x.px(x.min()) + 4 : x.px(upperNs(row));
            double top = y.px(row.count());
            String label = (row.isNegative() ? "negative" : "[" + row.lowUs() + ", " + row.highUs() + ") µs") + ": "
                    + row.count() + (row.count() == 1 ? " call" : " calls");
            out.append("<rect class=\"bar\" data-count=\"").append(row.count()).append("\" x=\"").append(Svg.num(x0))
                    .append("\" y=\"").append(Svg.num(top)).append("\" width=\"").append(Svg.num(Math.max(1, x1 - x0 - 1)))
                    .append("\" height=\"").append(Svg.num(Svg.plotBottom() - top)).append("\"><title>")
                    .append(Html.escape(label)).append("</title></rect>\n");
        }
        if (!bins.isEmpty()) {
            out.append("<polyline class=\"fine\" points=\"");
            for (int b = bins.firstKey(); b <= bins.lastKey(); b++) {
                double centre = Math.pow(2, (b + 0.5) / BINS_PER_OCTAVE);
                out.append(Svg.num(x.px(centre))).append(',').append(Svg.num(y2.px(bins.getOrDefault(b, 0L)))).append(' ');
            }
            out.append("\"/>\n");
        }
        limitLinesX(out, x);
        String[] names = {"P50", "P90", "P99", "P99.9"};
        for (int i = 0; i < MARKED.length; i++) {
            long ns = total.valueAtPercentile(MARKED[i]);
            double px = x.px(Math.max(ns, 1));
            out.append("<g class=\"pct\" data-percentile=\"").append(MARKED[i] == 99.9 ? "99.9" : String.valueOf((int) MARKED[i]))
                    .append("\" data-ns=\"").append(ns).append("\">");
            Svg.line(out, "pct-line", px, Svg.plotTop(), px, Svg.plotBottom());
            Svg.text(out, "pct-label", px + 3, Svg.plotTop() - 4 - 10 * (i % 2), "start", names[i] + " " + Durations.latency(ns));
            out.append("</g>\n");
        }
        LatencyDistribution basis = snapshot.withoutWaits();
        if (basis.count() > 0 && basis.count() != total.count()) {
            double px = x.px(Math.max(basis.p99Ns(), 1));
            out.append("<g class=\"pct basis\" data-percentile=\"99\" data-basis=\"without_blocking_waits\" data-ns=\"")
                    .append(basis.p99Ns()).append("\">");
            Svg.line(out, "basis-line", px, Svg.plotTop(), px, Svg.plotBottom());
            Svg.text(out, "basis-label", px + 3, Svg.plotBottom() - 6, "start", "P99 w/o waits " + Durations.latency(basis.p99Ns()));
            out.append("</g>\n");
        }
        Svg.close(out);
    }

    /** The exclusive upper bound of a row in ns (the last buckets saturate). */
    private static double upperNs(HistogramBucket row) {
        return row.highUs() >= Long.MAX_VALUE / 1000 ? 1e18 : row.highUs() * 1000.0;
    }

    /** Counts of the fine histogram per 1/16-octave bin of the latency in ns (0 ns counts as 1 ns). */
    private static TreeMap<Integer, Long> fineBins(LatencyDistribution calls) {
        TreeMap<Integer, Long> bins = new TreeMap<>();
        if (calls.count() == 0) {
            return bins;
        }
        Histogram h = calls.histogramCopy();
        for (HistogramIterationValue v : h.recordedValues()) {
            // The bucket's middle: its lowest value alone would put 1 ns-wide low buckets in the bin below.
            double middle = Math.max(1, (h.lowestEquivalentValue(v.getValueIteratedTo()) + h.highestEquivalentValue(v.getValueIteratedTo())) / 2.0);
            int bin = (int) Math.floor(Math.log(middle) / Math.log(2) * BINS_PER_OCTAVE);
            bins.merge(bin, v.getCountAtValueIteratedTo(), Long::sum);
        }
        return bins;
    }

    private static void limitLinesX(StringBuilder out, Svg.Scale x) {
        for (long limit : new long[] {Verdict.EXCELLENT_BELOW_NS, Verdict.GOOD_UP_TO_NS}) {
            double px = x.px(limit);
            out.append("<g class=\"limit\" data-ns=\"").append(limit).append("\">");
            Svg.line(out, "limit-line", px, Svg.plotTop(), px, Svg.plotBottom());
            Svg.text(out, "limit-label", px - 3, Svg.plotTop() + 12 + (limit == Verdict.GOOD_UP_TO_NS ? 12 : 0), "end",
                    Durations.limit(limit) + " limit");
            out.append("</g>\n");
        }
    }

    private static void limitLinesY(StringBuilder out, Svg.Scale y) {
        for (long limit : new long[] {Verdict.EXCELLENT_BELOW_NS, Verdict.GOOD_UP_TO_NS}) {
            double py = y.px(limit);
            out.append("<g class=\"limit\" data-ns=\"").append(limit).append("\">");
            Svg.line(out, "limit-line", Svg.plotLeft(), py, Svg.plotRight(), py);
            Svg.text(out, "limit-label", Svg.plotLeft() + 4, py - 3, "start", Durations.limit(limit) + " limit");
            out.append("</g>\n");
        }
    }

    private static void appendLadder(StringBuilder out, LatencySnapshot snapshot) {
        LatencyDistribution total = snapshot.total();
        if (total.count() == 0) {
            out.append("<p>No calls.</p>\n");
            return;
        }
        Svg.Scale x = Svg.Scale.linear(0, LADDER_NINES, Svg.plotLeft(), Svg.plotRight());
        Svg.Scale y = Svg.Scale.log(Svg.pow10Floor(Math.max(1, total.minNs())),
                Svg.pow10Ceil(Math.max(total.maxNs(), Verdict.GOOD_UP_TO_NS * 1.5)), Svg.plotBottom(), Svg.plotTop());
        Svg.open(out, "ladder", "Latency at percentile, 0% to 99.99%");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%"};
        for (int i = 0; i <= LADDER_NINES; i++) {
            double px = x.px(i);
            Svg.line(out, "grid", px, Svg.plotTop(), px, Svg.plotBottom());
            Svg.text(out, "tick", px, Svg.plotBottom() + 16, "middle", labels[i]);
        }
        Svg.logLatencyTicksY(out, y);
        Svg.frame(out, "percentile (log scale of 1/(1 - p): each step is one more nine)");
        Svg.verticalTitle(out, 18, "latency per call (log scale)");
        limitLinesY(out, y);
        ladderLine(out, "series-all", total, x, y);
        if (snapshot.withoutWaits().count() > 0 && snapshot.withoutWaits().count() != total.count()) {
            ladderLine(out, "series-basis", snapshot.withoutWaits(), x, y);
        }
        legend(out, List.of("series-all", "all calls"), snapshot.withoutWaits().count() != total.count()
                && snapshot.withoutWaits().count() > 0 ? List.of("series-basis", "without blocking waits") : List.of());
        Svg.close(out);
    }

    private static void ladderLine(StringBuilder out, String cssClass, LatencyDistribution d, Svg.Scale x, Svg.Scale y) {
        out.append("<polyline class=\"").append(cssClass).append("\" points=\"");
        for (int i = 0; i <= LADDER_POINTS; i++) {
            double nines = LADDER_NINES * i / LADDER_POINTS;
            double percentile = Math.min(100, 100 * (1 - Math.pow(10, -nines)));
            long ns = d.valueAtPercentile(percentile);
            out.append(Svg.num(x.px(nines))).append(',').append(Svg.num(y.px(Math.max(ns, 1)))).append(' ');
        }
        out.append("\"/>\n");
    }

    @SafeVarargs
    private static void legend(StringBuilder out, List<String>... entries) {
        double px = Svg.plotLeft() + 10;
        for (List<String> entry : entries) {
            if (entry.isEmpty()) {
                continue;
            }
            Svg.line(out, entry.get(0) + " legend", px, Svg.plotTop() - 14, px + 24, Svg.plotTop() - 14);
            Svg.text(out, "legend-label", px + 28, Svg.plotTop() - 10, "start", entry.get(1));
            px += 40 + entry.get(1).length() * 7;
        }
    }

    private static void appendOverTime(StringBuilder out, IntervalHistograms intervals) {
        List<IntervalHistograms.Window> windows = intervals == null ? List.of() : intervals.windows();
        if (windows.isEmpty()) {
            out.append("<p>No interval windows.</p>\n");
            return;
        }
        int n = windows.size();
        double[] mid = new double[n];
        long[] count = new long[n];
        double[] rate = new double[n];
        long[][] pct = new long[3][n];
        double end = 0;
        long maxNs = 1;
        long minNs = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            IntervalHistograms.Window w = windows.get(i);
            Histogram all = w.histogram(IntervalHistograms.ALL);
            Histogram basis = w.histogram(IntervalHistograms.WITHOUT_WAITS);
            double from = (w.startNs() - intervals.startNs()) / 1e9;
            double to = (w.endNs() - intervals.startNs()) / 1e9;
            mid[i] = (from + to) / 2;
            end = Math.max(end, to);
            count[i] = all.getTotalCount();
            rate[i] = to > from ? count[i] / (to - from) : 0;
            pct[0][i] = count[i] == 0 ? -1 : all.getValueAtPercentile(50);
            pct[1][i] = count[i] == 0 ? -1 : all.getValueAtPercentile(99);
            pct[2][i] = basis.getTotalCount() == 0 ? -1 : basis.getValueAtPercentile(99);
            for (long[] series : pct) {
                if (series[i] >= 0) {
                    maxNs = Math.max(maxNs, series[i]);
                    minNs = Math.min(minNs, Math.max(1, series[i]));
                }
            }
        }
        Svg.Scale x = Svg.Scale.linear(0, niceSeconds(end), Svg.plotLeft(), Svg.plotRight());
        Svg.Scale y = Svg.Scale.log(Svg.pow10Floor(minNs == Long.MAX_VALUE ? 1 : minNs),
                Svg.pow10Ceil(Math.max(maxNs, Verdict.GOOD_UP_TO_NS * 1.5)), Svg.plotBottom(), Svg.plotTop());
        Svg.open(out, "percentiles-over-time", "P50 and P99 per interval window");
        Svg.linearTicks(out, x, false, false, "s");
        Svg.logLatencyTicksY(out, y);
        Svg.frame(out, "time since the start of the run (s); one point per interval window");
        Svg.verticalTitle(out, 18, "latency per call (log scale)");
        limitLinesY(out, y);
        String[] classes = {"series-p50", "series-all", "series-basis"};
        for (int s = 0; s < 3; s++) {
            out.append("<polyline class=\"").append(classes[s]).append("\" points=\"");
            for (int i = 0; i < n; i++) {
                if (pct[s][i] >= 0) {
                    out.append(Svg.num(x.px(mid[i]))).append(',').append(Svg.num(y.px(Math.max(1, pct[s][i])))).append(' ');
                }
            }
            out.append("\"/>\n");
            for (int i = 0; i < n; i++) {
                if (pct[s][i] >= 0) {
                    out.append("<circle class=\"").append(classes[s]).append(" dot\" r=\"2.5\" cx=\"").append(Svg.num(x.px(mid[i])))
                            .append("\" cy=\"").append(Svg.num(y.px(Math.max(1, pct[s][i])))).append("\"><title>")
                            .append(Html.escape(Durations.latency(pct[s][i]))).append("</title></circle>\n");
                }
            }
        }
        legend(out, List.of("series-p50", "P50 all calls"), List.of("series-all", "P99 all calls"),
                List.of("series-basis", "P99 without blocking waits"));
        Svg.close(out);

        double maxRate = 0;
        for (double r : rate) {
            maxRate = Math.max(maxRate, r);
        }
        Svg.Scale yRate = Svg.Scale.linear(0, Svg.niceMax(maxRate), Svg.plotBottom(), Svg.plotTop());
        Svg.open(out, "calls-over-time", "Calls per second per interval window");
        Svg.linearTicks(out, x, false, false, "s");
        Svg.linearTicks(out, yRate, true, false, "");
        Svg.frame(out, "time since the start of the run (s); one point per interval window");
        Svg.verticalTitle(out, 18, "calls per second");
        out.append("<polyline class=\"series-rate\" points=\"");
        for (int i = 0; i < n; i++) {
            out.append(Svg.num(x.px(mid[i]))).append(',').append(Svg.num(yRate.px(rate[i]))).append(' ');
        }
        out.append("\"/>\n");
        for (int i = 0; i < n; i++) {
            out.append("<circle class=\"series-rate dot\" r=\"2.5\" cx=\"").append(Svg.num(x.px(mid[i]))).append("\" cy=\"")
                    .append(Svg.num(yRate.px(rate[i]))).append("\"><title>").append(count[i]).append(" calls</title></circle>\n");
        }
        Svg.close(out);
        out.append("<p class=\"note\">").append(n).append(n == 1 ? " window" : " windows")
                .append(" (the interval reports, and the rest of the run after the last of them).</p>\n");
    }

    private static double niceSeconds(double end) {
        return Math.max(Svg.niceStep(end / 5) * Math.ceil(end / Svg.niceStep(end / 5)), 0.1);
    }

    private static void appendSyscalls(StringBuilder out, LatencySnapshot snapshot) {
        out.append("<section>\n<h2>Syscalls</h2>\n");
        if (snapshot.syscalls().isEmpty()) {
            out.append("<p>No syscall table (a report narrowed to some processes has none).</p>\n</section>\n");
            return;
        }
        out.append("<table class=\"sortable\">\n<thead><tr><th>syscall</th><th>nr</th><th>calls</th><th>failed</th>"
                + "<th>P50</th><th>P90</th><th>P99</th><th>P99.9</th><th>max</th><th>blocking wait</th></tr></thead>\n<tbody>\n");
        List<SyscallLatency> rows = new ArrayList<>(snapshot.syscalls());
        rows.sort(Comparator.comparingLong((SyscallLatency s) -> s.latency().count()).reversed().thenComparingInt(SyscallLatency::nr));
        for (SyscallLatency s : rows) {
            LatencyDistribution d = s.latency();
            out.append("<tr><td>").append(Html.escape(s.name())).append("</td>");
            number(out, s.nr());
            number(out, d.count());
            number(out, d.errorCount());
            for (double p : MARKED) {
                latency(out, d, d.valueAtPercentile(p));
            }
            latency(out, d, d.maxNs());
            out.append("<td>").append(s.blockingWait() ? "yes" : "").append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n<p class=\"note\">Click a column's header to sort (needs JavaScript;"
                + " without it the rows are by calls).</p>\n</section>\n");
    }

    private static void appendProcesses(StringBuilder out, LatencySnapshot snapshot, IntFunction<String> names) {
        out.append("<section>\n<h2>Processes</h2>\n");
        if (snapshot.processes().isEmpty()) {
            out.append("<p>No processes.</p>\n</section>\n");
            return;
        }
        out.append("<table class=\"sortable\">\n<thead><tr><th>PID</th><th>process</th><th>calls</th><th>failed</th>"
                + "<th>high latency</th><th>P50</th><th>P99</th><th>max</th><th>calls w/o waits</th><th>P99 w/o waits</th>"
                + "<th>verdict</th></tr></thead>\n<tbody>\n");
        List<ProcessLatency> rows = new ArrayList<>(snapshot.processes());
        rows.sort(Comparator.comparingLong((ProcessLatency p) -> p.latency().count()).reversed().thenComparingInt(ProcessLatency::tgid));
        for (ProcessLatency p : rows) {
            LatencyDistribution d = p.latency();
            LatencyDistribution w = p.withoutWaits();
            out.append("<tr>");
            if (p.isOther()) {
                out.append("<td data-v=\"-1\"></td><td>other processes</td>");
            } else {
                number(out, p.tgid());
                out.append("<td>").append(Html.escape(names.apply(p.tgid()))).append("</td>");
            }
            number(out, d.count());
            number(out, d.errorCount());
            number(out, d.highLatencyCount());
            latency(out, d, d.p50Ns());
            latency(out, d, d.p99Ns());
            latency(out, d, d.maxNs());
            number(out, w.count());
            latency(out, w, w.p99Ns());
            out.append("<td class=\"v-").append(p.verdict().name()).append("\">").append(p.verdict().name()).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static void appendMcp(StringBuilder out, McpSnapshot mcp) {
        out.append("<section>\n<h2>").append(Html.escape(McpReport.TITLE)).append("</h2>\n");
        out.append("<p><strong>").append(Html.escape(McpReport.verdictLine(mcp))).append("</strong></p>\n");
        if (mcp.methods().isEmpty()) {
            out.append("<p>No MCP request seen: the traced processes read no JSON-RPC request on a pipe or socket.</p>\n</section>\n");
            return;
        }
        out.append("<table class=\"sortable\">\n<thead><tr><th>method</th><th>requests</th><th>errors</th><th>unpaired</th>"
                + "<th>in flight</th><th>P50</th><th>P90</th><th>P99</th><th>P99.9</th><th>max</th><th>syscalls per request</th>"
                + "<th>syscall share</th><th>wait share</th></tr></thead>\n<tbody>\n");
        for (McpSnapshot.Method m : mcp.methods()) {
            boolean any = m.count() > 0;
            out.append("<tr><td>").append(Html.escape(m.label())).append("</td>");
            number(out, m.count());
            number(out, m.errors());
            number(out, m.unpaired());
            number(out, m.inFlight());
            for (long ns : new long[] {m.p50Ns(), m.p90Ns(), m.p99Ns(), m.p999Ns(), m.maxNs()}) {
                durationCell(out, any, ns);
            }
            durationCell(out, m.attributed() > 0, m.syscallNsPerRequest());
            shareCell(out, m.syscallShare());
            shareCell(out, m.waitShare());
            out.append("</tr>\n");
        }
        McpSnapshot.Totals t = mcp.totals();
        out.append("</tbody>\n</table>\n<p class=\"note\">Server side: from the read of a request to the write of its"
                + " response, measured in the kernel. ").append(t.requests()).append(" requests answered, ")
                .append(t.unpaired()).append(" unanswered, ").append(t.inFlight()).append(" in flight at the end; syscall time of ")
                .append(t.unattributedRequests()).append(" requests not attributed (overlapping on one thread, or read and"
                + " answered on different threads); payload records: ").append(t.payloadRecords()).append(" decoded, ")
                .append(t.payloadDropped()).append(" dropped. Only method and tool names are kept.</p>\n</section>\n");
    }

    /** A duration cell, empty when not {@code known}; {@code data-v} holds the ns for sorting. */
    private static void durationCell(StringBuilder out, boolean known, long ns) {
        if (!known) {
            out.append("<td class=\"n\" data-v=\"-1\"></td>");
            return;
        }
        out.append("<td class=\"n\" data-v=\"").append(ns).append("\">").append(Html.escape(Durations.latency(ns))).append("</td>");
    }

    private static void shareCell(StringBuilder out, double share) {
        if (Double.isNaN(share)) {
            out.append("<td class=\"n\" data-v=\"-1\"></td>");
            return;
        }
        out.append("<td class=\"n\" data-v=\"").append(String.format(Locale.ROOT, "%.4f", share)).append("\">")
                .append(String.format(Locale.ROOT, "%.1f%%", share * 100)).append("</td>");
    }

    private static void appendLoss(StringBuilder out, LossCounters loss) {
        out.append("<section>\n<h2>Events lost</h2>\n<table>\n<tbody>\n")
                .append("<tr><td>emitted by the kernel program</td><td class=\"n\">").append(loss.emitted()).append("</td></tr>\n")
                .append("<tr><td>recorded</td><td class=\"n\">").append(loss.recorded()).append("</td></tr>\n")
                .append("<tr><td>unread (still in the ring at the end)</td><td class=\"n\">").append(loss.unread()).append("</td></tr>\n")
                .append("<tr><td>dropped (ring buffer full)</td><td class=\"n\">").append(loss.dropped()).append("</td></tr>\n")
                .append("<tr><td>not timed (no per-task storage)</td><td class=\"n\">").append(loss.stateFailures()).append("</td></tr>\n")
                .append("<tr><td>exits without entry</td><td class=\"n\">").append(loss.orphanExits()).append("</td></tr>\n")
                .append("<tr><td>lost in all</td><td class=\"n\">").append(loss.lost()).append("</td></tr>\n")
                .append("</tbody>\n</table>\n</section>\n");
    }

    private static void number(StringBuilder out, long value) {
        out.append("<td class=\"n\" data-v=\"").append(value).append("\">").append(value).append("</td>");
    }

    /** A latency cell, empty without calls; {@code data-v} holds the ns for sorting. */
    private static void latency(StringBuilder out, LatencyDistribution d, long ns) {
        durationCell(out, d.count() > 0, ns);
    }

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:980px;color:#1d232a;padding:0 12px}
            h1{font-size:1.5em;margin-bottom:.4em}h2{font-size:1.15em;margin:.2em 0 .5em}
            section{margin:18px 0 26px}
            .verdict{border-left:8px solid #888;padding:8px 14px;background:#f4f6f8}
            .v-EXCELLENT{border-color:#1a7f37}.v-GOOD{border-color:#bf8700}.v-PROBLEMATIC{border-color:#cf222e}.v-NO_DATA{border-color:#888}
            td.v-EXCELLENT{color:#1a7f37}td.v-GOOD{color:#9a6700}td.v-PROBLEMATIC{color:#cf222e}
            .note{color:#57606a;font-size:.88em}
            table{border-collapse:collapse;font-size:.9em}th,td{padding:3px 9px;border-bottom:1px solid #d0d7de;text-align:left}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
            table.sortable th{cursor:pointer}
            svg.chart{width:100%;height:auto;background:#fff;border:1px solid #d0d7de;font-size:12px}
            .axis{stroke:#1d232a}.grid{stroke:#eaeef2}.tick{fill:#57606a}.axis-title{fill:#1d232a;font-size:12px}
            .bar{fill:#54aeff;stroke:#0969da;stroke-width:.5}.fine{fill:none;stroke:#8250df;stroke-width:1.5}
            .pct-line{stroke:#1d232a;stroke-width:1}.pct-label{fill:#1d232a;font-size:11px}
            .basis-line{stroke:#1a7f37;stroke-width:1.5;stroke-dasharray:5 3}.basis-label{fill:#1a7f37;font-size:11px}
            .limit-line{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}.limit-label{fill:#cf222e;font-size:11px}
            polyline{stroke-width:2}.series-all{stroke:#0969da;fill:#0969da}.series-basis{stroke:#1a7f37;fill:#1a7f37}
            polyline.series-basis,line.series-basis{stroke-dasharray:6 3}.series-p50{stroke:#bf8700;fill:#bf8700}
            .series-rate{stroke:#8250df;fill:#8250df}polyline.fine,polyline[class^=series]{fill:none}circle.dot{stroke:none}
            .legend{stroke-width:3}.legend-label{fill:#1d232a}
            footer{color:#57606a;font-size:.85em;border-top:1px solid #d0d7de;padding-top:8px}
            """;

    /** Sorts a table by the clicked column: numbers by their data-v, text by its content. */
    private static final String SORT_SCRIPT = """
            document.querySelectorAll("table.sortable th").forEach(function (th, column) {
              th.addEventListener("click", function () {
                var body = th.closest("table").tBodies[0];
                var ascending = th.dataset.order !== "asc";
                th.dataset.order = ascending ? "asc" : "desc";
                Array.from(body.rows).sort(function (a, b) {
                  var x = a.cells[column], y = b.cells[column];
                  var c = x.dataset.v !== undefined && y.dataset.v !== undefined
                      ? Number(x.dataset.v) - Number(y.dataset.v) : x.textContent.localeCompare(y.textContent);
                  return ascending ? c : -c;
                }).forEach(function (row) { body.appendChild(row); });
              });
            });
            """;

    private HtmlReport() {}
}
