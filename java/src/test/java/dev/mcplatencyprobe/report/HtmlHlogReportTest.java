package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.mcp.McpSnapshot;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Iterator;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

/** The HTML and .hlog renderers on recorded snapshots: what they hold, and that hostile names stay text. */
class HtmlHlogReportTest {
    private static final long INTERVAL_NS = 100_000_000L;

    record Run(LatencySnapshot whole, IntervalHistograms intervals) {}

    /** Calls through the real recorder, interval snapshots into the interval histograms as the CLI does. */
    static Run record(List<Call> calls) {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(INTERVAL_NS), 0);
        IntervalHistograms intervals = new IntervalHistograms(0, 1_700_000_000_000L);
        long last = 0;
        for (Call c : calls) {
            c.recordInto(recorder);
            last = c.endNs();
            recorder.rotateIfDue(c.endNs(), LossCounters.ZERO).forEach(intervals::add);
        }
        LatencySnapshot whole = recorder.finish(last + 1, LossCounters.ZERO);
        intervals.finish(whole);
        return new Run(whole, intervals);
    }

    @Test
    void theHtmlHasABarPerHistogramRowAndMarksTheReportsPercentiles() {
        Run run = record(RandomCalls.generate(1, RandomCalls.Shape.BIMODAL, 20_000, 0, 50_000));
        String html = HtmlReport.render(run.whole(), tgid -> "proc" + tgid, run.intervals());
        assertEquals(run.whole().total().buckets().size(), count(html, "<rect class=\"bar\""));
        assertTrue(html.contains("class=\"pct\" data-percentile=\"99\" data-ns=\"" + run.whole().total().p99Ns() + "\""));
        assertTrue(html.contains("class=\"pct\" data-percentile=\"99.9\" data-ns=\"" + run.whole().total().p999Ns() + "\""));
        assertTrue(html.contains("<g class=\"limit\" data-ns=\"10000000\">"));
        assertTrue(html.contains("<g class=\"limit\" data-ns=\"50000000\">"));
        assertTrue(html.contains("Verdict: " + run.whole().verdict().name()));
        assertTrue(html.contains("calls per second"));
        assertTrue(html.contains("latency per call"));
        for (String external : new String[] {"http://", "https://", " src=", " href=", "url("}) {
            assertFalse(html.contains(external), external);
        }
    }

    @Test
    void withMcpTheHtmlHasTheMethodsTableAndTheMcpVerdict() {
        Run run = record(RandomCalls.generate(3, RandomCalls.Shape.FEW_VALUES, 500, 0, 1_000_000));
        McpSnapshot mcp = McpReportTest.snapshot();
        String html = HtmlReport.render(run.whole(), tgid -> "proc" + tgid, run.intervals(), mcp);
        assertTrue(html.contains("<h2>" + McpReport.TITLE + "</h2>"), "the MCP section");
        assertTrue(html.contains("<td>tools/call create_entities</td>"));
        assertTrue(html.contains("<td>ping</td>"));
        assertTrue(html.contains(Html.escape(McpReport.verdictLine(mcp))));
        assertFalse(HtmlReport.render(run.whole(), tgid -> "proc" + tgid, run.intervals()).contains(McpReport.TITLE),
                "no MCP section without --mcp");
    }

    @Test
    void hostileNamesAreEscaped() {
        Run run = record(RandomCalls.generate(2, RandomCalls.Shape.FEW_VALUES, 500, 0, 1_000_000));
        String html = HtmlReport.render(run.whole(), tgid -> "<script>alert('x')</script>&\"", run.intervals());
        assertFalse(html.contains("<script>alert"), "a process name must not become markup");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
        assertEquals(1, count(html, "<script>"));
    }

    @Test
    void aReportWithoutCallsRenders() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        LatencySnapshot empty = recorder.finish(1_000_000_000L, LossCounters.ZERO);
        IntervalHistograms intervals = new IntervalHistograms(0, 0);
        intervals.finish(empty);
        String html = HtmlReport.render(empty, tgid -> null, intervals);
        assertTrue(html.contains("Verdict: NO_DATA"));
        assertEquals(0, count(html, "<rect class=\"bar\""));
        assertTrue(HlogReport.render(intervals).contains("Tag=all,"));
    }

    @Test
    void theHlogsCountsPerTagAreTheWholeRunsAndTheJsonsFineHistogramsToo() throws Exception {
        Run run = record(RandomCalls.generate(3, RandomCalls.Shape.HEAVY_TAIL, 30_000, 0, 20_000));
        Map<String, Histogram> byTag = new HashMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(
                new ByteArrayInputStream(HlogReport.render(run.intervals()).getBytes(StandardCharsets.UTF_8)))) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                byTag.computeIfAbsent(h.getTag(), t -> new Histogram(2)).add((Histogram) h);
            }
        }
        assertEquals(run.whole().total().count(), byTag.get("all").getTotalCount());
        assertEquals(run.whole().total().histogramCopy(), byTag.get("all"), "the same buckets, bucket for bucket");
        assertEquals(run.whole().withoutWaits().count(), byTag.get("without_waits").getTotalCount());
        run.whole().syscalls().forEach(s ->
                assertEquals(s.latency().count(), byTag.get("syscall:" + s.name()).getTotalCount(), s.name()));

        JsonNode json = new ObjectMapper().readTree(JsonReport.render(run.whole()));
        assertEquals(run.whole().total().count(), sum(json.get("fine_histogram_ns")));
        assertEquals(run.whole().withoutWaits().count(), sum(json.at("/without_blocking_waits/fine_histogram_ns")));
        for (JsonNode s : json.get("syscalls")) {
            assertEquals(s.get("count").asLong(), sum(s.get("fine_histogram_ns")));
            Iterator<String> names = s.fieldNames();
            String lastField = null;
            while (names.hasNext()) {
                lastField = names.next();
            }
            assertEquals("fine_histogram_ns", lastField, "new fields come after the old ones");
        }
        List<String> top = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(top::add);
        assertEquals("fine_histogram_ns", top.get(top.size() - 1));
        assertEquals("without_blocking_waits", top.get(top.size() - 2));
    }

    @Test
    void aLongRunKeepsABoundedNumberOfWindowsAndEveryCall() {
        // 2,000 intervals of 100 ms with a call in each: far more windows than are kept.
        List<Call> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            calls.add(new Call(i * INTERVAL_NS + 1_000, 1_000 + i, 0, 7, i % 3));
        }
        Run run = record(calls);
        List<IntervalHistograms.Window> windows = run.intervals().windows();
        assertTrue(windows.size() <= IntervalHistograms.MAX_WINDOWS, windows.size() + " windows");
        long total = 0;
        long previousEnd = 0;
        for (IntervalHistograms.Window w : windows) {
            assertEquals(previousEnd, w.startNs(), "windows follow each other without gaps");
            previousEnd = w.endNs();
            total += w.histogram(IntervalHistograms.ALL).getTotalCount();
        }
        assertEquals(2_000, total);
    }

    @Test
    void syscallTagsAreCapped() {
        List<Call> calls = new java.util.ArrayList<>();
        for (int nr = 0; nr < 100; nr++) {
            calls.add(new Call(nr * 1_000L + 1, 500, 0, 7, nr));
        }
        Run run = record(calls);
        assertEquals(IntervalHistograms.MAX_SYSCALL_TAGS, run.intervals().syscallTags().size());
        assertEquals(100, run.intervals().windows().stream().mapToLong(w -> w.histogram(IntervalHistograms.ALL).getTotalCount()).sum());
    }

    private static long sum(JsonNode pairs) {
        long sum = 0;
        for (JsonNode p : pairs) {
            sum += p.get(1).asLong();
        }
        return sum;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
