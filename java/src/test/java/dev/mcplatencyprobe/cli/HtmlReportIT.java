package dev.mcplatencyprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.probe.RequiresBpf;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report and the .hlog of a real run (the probe tracing a real workload through the CLI),
 * opened by what users open them with: headless Chromium, and HdrHistogram's log reader.
 */
@RequiresBpf
class HtmlReportIT {
    /** Where the screenshot stays after the test, to look at. */
    static final Path ARTIFACTS = Path.of("target", "html-report");
    /** Loops of dd and sleep: reads, writes, execs and sleeps, over a few interval windows. */
    static final String[] WORKLOAD = {"sh", "-c",
            "for i in $(seq 25); do dd if=/dev/zero of=/dev/null bs=1 count=300 2>/dev/null; sleep 0.03; done"};

    @TempDir
    static Path dir;
    static Path html;
    static Path json;
    static Path text;
    static Path hlog;

    @BeforeAll
    static void run() throws Exception {
        List<String> args = new ArrayList<>(List.of("--interval", "250ms", "--out", dir.toString(), "--"));
        args.addAll(List.of(WORKLOAD));
        ProbeDemoIT.Run run = ProbeDemoIT.probeDemo(args.toArray(String[]::new));
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("(and .json, .html, .hlog)"), run.err());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertTrue(name.matches("ebpf_mcp_latency_\\d{8}_\\d{6}\\.(txt|json|html|hlog)"), name);
                if (name.endsWith(".html")) html = f;
                if (name.endsWith(".json")) json = f;
                if (name.endsWith(".txt")) text = f;
                if (name.endsWith(".hlog")) hlog = f;
            }
        }
        Files.createDirectories(ARTIFACTS);
        Files.copy(html, ARTIFACTS.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
    }

    static String chromium() {
        for (String candidate : new String[] {"chromium", "chromium-browser"}) {
            for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dirName, candidate))) {
                    return Path.of(dirName, candidate).toString();
                }
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("chromium is not installed; in CI the HTML report must be opened (scripts/test-deps.sh installs it)");
        }
        Assumptions.abort("chromium is not installed (sudo apt-get install chromium)");
        return null;
    }

    record Browser(int status, String out, String err) {}

    /** Headless Chromium on the report with a throwaway profile; console messages go to stderr. */
    static Browser chromium(Path profile, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--window-size=1100,3200", "--hide-scrollbars"));
        cmd.addAll(List.of(flags));
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(profile.resolve("stderr.txt").toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish: " + cmd);
        }
        return new Browser(p.exitValue(), out, Files.readString(profile.resolve("stderr.txt")));
    }

    static List<String> consoleMessages(String stderr) {
        return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }

    @Test
    void theReportOpensInChromiumWithoutConsoleErrorsAndAScreenshotIsTaken(@TempDir Path profile) throws Exception {
        Path screenshot = ARTIFACTS.toAbsolutePath().resolve("report.png");
        Files.deleteIfExists(screenshot);
        Browser b = chromium(profile, "--screenshot=" + screenshot);
        assertEquals(0, b.status(), b.err());
        assertTrue(Files.size(screenshot) > 20_000, "screenshot " + screenshot + ": " + Files.size(screenshot) + " bytes");
        assertEquals(List.of(), consoleMessages(b.err()));
        System.out.println("screenshot of the HTML report: " + screenshot);
    }

    @Test
    void theDomHasABarPerTextRowAndTheMarkedP99IsTheJsons(@TempDir Path profile) throws Exception {
        Browser b = chromium(profile, "--dump-dom");
        assertEquals(0, b.status(), b.err());
        assertEquals(List.of(), consoleMessages(b.err()));
        String dom = b.out();
        assertTrue(dom.contains("<svg id=\"distribution\""), dom);

        List<String> lines = Files.readAllLines(text);
        int first = lines.indexOf("Syscall Latency Distribution (microseconds):") + 1;
        int rows = 0;
        while (!lines.get(first + rows).startsWith("Total calls:")) {
            rows++;
        }
        assertTrue(rows >= 3, "histogram rows " + rows);
        assertEquals(rows, count(dom, "<rect class=\"bar\""));

        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        assertEquals(report.at("/percentiles_ns/p99").asLong(), marked(dom, "class=\"pct\" data-percentile=\"99\" data-ns=\"(\\d+)\""));
        assertEquals(report.at("/percentiles_ns/p50").asLong(), marked(dom, "class=\"pct\" data-percentile=\"50\" data-ns=\"(\\d+)\""));
        assertEquals(report.at("/without_blocking_waits/percentiles_ns/p99").asLong(),
                marked(dom, "data-basis=\"without_blocking_waits\" data-ns=\"(\\d+)\""));
        assertTrue(dom.contains("Verdict: " + report.get("verdict").asText()), "the verdict is on the page");
        for (String section : new String[] {"id=\"ladder\"", "id=\"percentiles-over-time\"", "id=\"calls-over-time\"",
                ">Syscalls<", ">Processes<", ">Events lost<"}) {
            assertTrue(dom.contains(section), section);
        }
        // Every syscall of the JSON has a row in the syscall table.
        for (JsonNode s : report.get("syscalls")) {
            assertTrue(dom.contains("<tr><td>" + s.get("name").asText() + "</td>"), s.get("name").asText());
        }
    }

    @Test
    void thePageIsReadableWithJavaScriptOffAndFetchesNothing() throws Exception {
        // Headless Chromium neither dumps nor screenshots a page with scripts off (--blink-settings=scriptEnabled=false
        // gives no output), so: everything the browser shows is in the file, and the one script only sorts.
        String page = Files.readString(html);
        assertTrue(page.contains("<rect class=\"bar\""));
        assertTrue(page.contains("<table class=\"sortable\">"));
        assertEquals(1, count(page, "<script>"), "one script, for sorting only");
        String script = page.substring(page.indexOf("<script>"), page.indexOf("</script>"));
        assertFalse(script.contains("createElement") || script.contains("innerHTML") || script.contains("fetch"),
                "the script adds no content: " + script);
        for (String external : new String[] {"http://", "https://", " src=", " href=", "@import", "url("}) {
            assertFalse(page.contains(external), "the page must not load anything: " + external);
        }
        assertTrue(Files.size(html) < 1_000_000, "small enough to attach: " + Files.size(html));
    }

    @Test
    void theHlogReadsBackWithHdrHistogramAndItsCountsAreTheReports() throws Exception {
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        Map<String, Long> byTag = new HashMap<>();
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                byTag.merge(h.getTag(), ((org.HdrHistogram.Histogram) h).getTotalCount(), Long::sum);
                if ("all".equals(h.getTag())) {
                    intervals++;
                }
            }
        }
        assertEquals(report.get("total_calls").asLong(), byTag.get("all"));
        assertEquals(report.at("/without_blocking_waits/count").asLong(), byTag.getOrDefault("without_waits", 0L));
        int tagged = 0;
        for (JsonNode s : report.get("syscalls")) {
            Long count = byTag.get("syscall:" + s.get("name").asText());
            if (count != null) {
                assertEquals(s.get("count").asLong(), count, s.toString());
                tagged++;
            }
        }
        // Syscalls beyond the cap are in "all" and "without_waits" only.
        assertEquals(Math.min(report.get("syscalls").size(), dev.mcplatencyprobe.report.IntervalHistograms.MAX_SYSCALL_TAGS), tagged);
        assertTrue(intervals >= 3, "a window per 250 ms interval: " + intervals);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static long marked(String dom, String regex) {
        Matcher m = Pattern.compile(regex).matcher(dom);
        assertTrue(m.find(), regex);
        return Long.parseLong(m.group(1));
    }
}
