package dev.mcplatencyprobe.export.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.probe.RequiresBpf;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.Log2Buckets;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.targets.LaunchedCommand;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter against a real Prometheus. One probe-demo.jar run ({@code --prometheus}) traces
 * {@code dd bs=1 count=20000} and then idles, scraped every second by two Prometheus servers: one
 * with native histograms, one without (which ingests the classic buckets; Prometheus 2.42 keeps only
 * the native histogram when both are offered and the feature is on). Queries are evaluated at a
 * moment after the workload and before the probe stops, and compared with the probe's own final
 * JSON report. Two in-process probes on two ports stand for two hosts.
 */
@RequiresBpf
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusIT {
    private static final Path JAR = Path.of(System.getProperty("probeDemoJar", "target/probe-demo.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path DASHBOARD = Path.of(System.getProperty("dashboard", "../dashboards/mcp-latency-probe.json"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DD_COUNT = 20_000;
    /** The probe's own percentiles come from buckets at most 1/128 wide. */
    private static final double PROBE_RELATIVE_ERROR = 1.0 / 128;

    @TempDir
    static Path tmp;
    private Process probe;
    private CompletableFuture<String> probeOut;
    private final StringBuilder probeErr = new StringBuilder();
    private TestPrometheus nativeProm;
    private TestPrometheus classicProm;
    private String metricsText;
    private JsonNode report;

    @BeforeAll
    void traceDdScrapedByTwoPrometheus() throws Exception {
        TestPrometheus.tool("prometheus");
        // dd, then a sleep that makes no syscall until the probe's duration ends: what Prometheus
        // scrapes after dd is exactly what the final report will hold.
        probe = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "--prometheus", "127.0.0.1:0",
                "--format", "json", "--duration", "22s", "--", "sh", "-c",
                "dd if=/dev/zero of=/dev/null bs=1 count=" + DD_COUNT + " 2>/dev/null; exec sleep 1000").start();
        probe.getOutputStream().close();
        probeOut = CompletableFuture.supplyAsync(() -> readAll(probe.getInputStream()));
        String address = awaitAddress();
        nativeProm = TestPrometheus.start(tmp.resolve("native"), true, List.of(address));
        classicProm = TestPrometheus.start(tmp.resolve("classic"), false, List.of(address));
        nativeProm.await("mcp_probe_events_recorded_total", r -> r.size() == 1, Duration.ofSeconds(15));
        classicProm.await("mcp_probe_events_recorded_total", r -> r.size() == 1, Duration.ofSeconds(15));
        Thread.sleep(2_500); // a few more scrapes, so that rates over the dashboard's range have samples
        double at = System.currentTimeMillis() / 1000.0;
        nativeProm.evaluateAt(at);
        classicProm.evaluateAt(at);
        metricsText = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(probe.isAlive(), "the probe must still run after the queries' moment: " + probeErr);
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "probe did not stop at its duration");
        String[] lines = probeOut.get(10, TimeUnit.SECONDS).strip().split("\n");
        report = JSON.readTree(lines[lines.length - 1]);
        assertTrue(report.path("final").asBoolean(), lines[lines.length - 1]);
    }

    private String awaitAddress() throws Exception {
        Thread errReader = new Thread(() -> {
            try (var r = probe.errorReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (probeErr) {
                        probeErr.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // The probe ended.
            }
        });
        errReader.setDaemon(true);
        errReader.start();
        Pattern served = Pattern.compile("Serving Prometheus metrics on http://([^/]+)/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (probeErr) {
                Matcher m = served.matcher(probeErr);
                if (m.find()) {
                    return m.group(1);
                }
            }
            assertTrue(probe.isAlive(), "probe-demo exited: " + probeErr);
            Thread.sleep(50);
        }
        throw new AssertionError("probe-demo never said where it serves: " + probeErr);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (probe != null && probe.isAlive()) {
            probe.destroy();
            if (!probe.waitFor(20, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
            }
        }
        if (nativeProm != null) {
            nativeProm.close();
        }
        if (classicProm != null) {
            classicProm.close();
        }
    }

    private JsonNode syscallRow(String name) {
        for (JsonNode row : report.path("syscalls")) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no " + name + " in " + report);
    }

    @Test
    void promtoolFindsNothingToFixInTheScrapedText() throws Exception {
        Process check = new ProcessBuilder(TestPrometheus.tool("promtool").toString(), "check", "metrics")
                .redirectErrorStream(true).start();
        check.getOutputStream().write(metricsText.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String out = readAll(check.getInputStream());
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), out);
        assertEquals("", out.strip(), "promtool's findings");
        assertTrue(metricsText.contains("mcp_probe_syscall_duration_seconds_bucket{blocking_wait=\"false\",syscall=\"read\""), metricsText);
    }

    @Test
    void countersInPrometheusEqualTheProbesOwnTotals() throws Exception {
        long total = report.path("total_calls").asLong();
        assertTrue(total > 2 * DD_COUNT, "dd's reads and writes at least: " + total);
        assertEquals(total, nativeProm.value("mcp_probe_events_recorded_total"), 0);
        assertEquals(total, classicProm.value("mcp_probe_events_recorded_total"), 0);
        assertEquals(report.path("loss").path("emitted").asLong(), nativeProm.value("mcp_probe_events_emitted_total"), 0);
        assertEquals(report.path("loss").path("dropped").asLong(), nativeProm.value("mcp_probe_events_dropped_total"), 0);
        assertEquals(report.path("loss").path("orphan_exits").asLong(), nativeProm.value("mcp_probe_exits_without_entry_total"), 0);
        assertEquals(total, nativeProm.value("sum(histogram_count(mcp_probe_syscall_duration_seconds))"), 0);
        assertEquals(total, classicProm.value("sum(mcp_probe_syscall_duration_seconds_count)"), 0);
        assertEquals(report.path("sum_ns").asLong() / 1e9, nativeProm.value("sum(histogram_sum(mcp_probe_syscall_duration_seconds))"), 1e-6);
        for (String syscall : List.of("read", "write")) {
            long count = syscallRow(syscall).path("count").asLong();
            assertTrue(count >= DD_COUNT && count <= DD_COUNT + 10, syscall + ": " + count);
            assertEquals(count, nativeProm.value("histogram_count(mcp_probe_syscall_duration_seconds{syscall=\"" + syscall + "\"})"), 0);
            assertEquals(count, classicProm.value("mcp_probe_syscall_duration_seconds_count{syscall=\"" + syscall + "\"}"), 0);
        }
        assertEquals(1, nativeProm.value("mcp_probe_verdict{mcp_probe_verdict=\"" + report.path("verdict").asText() + "\"}"), 0);
        assertEquals(1, nativeProm.value("mcp_probe_info{btf_mode=\"task_storage\"}"), 0);
    }

    @Test
    void nativeP99IsWithinItsStatedErrorOfTheProbesP99() throws Exception {
        for (String syscall : List.of("read", "write")) {
            double probeP99 = syscallRow(syscall).path("p99_ns").asLong();
            double promP99 = 1e9 * nativeProm.value("histogram_quantile(0.99, mcp_probe_syscall_duration_seconds{syscall=\"" + syscall + "\"})");
            double bound = (HistogramAccumulator.NATIVE_RELATIVE_ERROR + PROBE_RELATIVE_ERROR) * probeP99;
            System.out.printf("%s P99: probe %.0f ns, Prometheus native %.1f ns (bound +-%.1f)%n", syscall, probeP99, promP99, bound);
            assertEquals(probeP99, promP99, bound, syscall);
        }
    }

    @Test
    void classicP99LiesInTheReportRowOfTheProbesP99() throws Exception {
        for (String syscall : List.of("read", "write")) {
            long probeP99 = syscallRow(syscall).path("p99_ns").asLong();
            double promP99 = 1e9 * classicProm.value("histogram_quantile(0.99, mcp_probe_syscall_duration_seconds_bucket{syscall=\"" + syscall + "\"})");
            // The true P99 lies in [probeP99 / (1 + 1/128), probeP99]; the estimate within its row.
            int lowRow = Log2Buckets.indexOf((long) (probeP99 / (1 + PROBE_RELATIVE_ERROR)) / 1000);
            int highRow = Log2Buckets.indexOf(probeP99 / 1000);
            double low = lowRow <= 1 ? 0 : Log2Buckets.lowerBound(lowRow) * 1000 - 1;
            double high = Log2Buckets.upperBound(highRow) * 1000 - 1;
            System.out.printf("%s P99: probe %d ns, Prometheus classic %.1f ns (row bounds %.0f..%.0f)%n", syscall, probeP99, promP99, low, high);
            assertTrue(promP99 >= low && promP99 <= high, syscall + ": " + promP99 + " outside " + low + ".." + high);
        }
    }

    @Test
    void everyDashboardQuerySucceedsAndFindsData() throws Exception {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        assertTrue(exprs.size() >= 8, exprs.toString());
        for (String expr : exprs) {
            // Grafana's variables, as Grafana would substitute them with "All" selected.
            String promql = expr.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$target", ".*");
            int nativeResults = nativeProm.query(promql).path("result").size();
            int classicResults = classicProm.query(promql).path("result").size();
            System.out.println(nativeResults + " native / " + classicResults + " classic results: " + promql);
            assertTrue(nativeResults + classicResults > 0, "no data for " + promql);
        }
    }

    // Two hosts: two probes, each with its own exporter on its own port, one Prometheus.

    /** Runs dd under its own probe and returns the whole run's snapshot. */
    private static LatencySnapshot traceDd(int count) throws Exception {
        try (SyscallProbe probe = SyscallProbe.builder()
                .launch(List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + count)).open()) {
            LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), System.nanoTime());
            LaunchedCommand dd = probe.launched().orElseThrow();
            EventBatch batch = EventBatch.allocate(4096);
            while (dd.isAlive()) {
                probe.poll(batch, Duration.ofMillis(10));
                recorder.record(batch);
            }
            dd.waitFor();
            while (probe.poll(batch, Duration.ZERO) > 0) {
                recorder.record(batch);
            }
            return recorder.finish(System.nanoTime(), probe.lossCounters());
        }
    }

    private static long readCount(LatencySnapshot s) {
        return readRow(s).latency().count();
    }

    private static SyscallLatency readRow(LatencySnapshot s) {
        return s.syscalls().stream().filter(r -> r.name().equals("read")).findFirst().orElseThrow();
    }

    @Test
    void twoHostsSumAndMergeInPrometheus() throws Exception {
        LatencySnapshot hostA = traceDd(20_000);
        LatencySnapshot hostB = traceDd(30_000);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (PrometheusEndpoint a = PrometheusEndpoint.start(loopback, 0, LatencyCollector.builder()
                        .source(() -> ProbeState.of("command:dd", hostA)).build());
             PrometheusEndpoint b = PrometheusEndpoint.start(loopback, 0, LatencyCollector.builder()
                        .source(() -> ProbeState.of("command:dd", hostB)).build());
             TestPrometheus prom = TestPrometheus.start(tmp.resolve("two-hosts"), true,
                     List.of("127.0.0.1:" + a.port(), "127.0.0.1:" + b.port()))) {
            prom.await("mcp_probe_events_recorded_total", r -> r.size() == 2, Duration.ofSeconds(15));
            long reads = readCount(hostA) + readCount(hostB);
            assertEquals(reads, prom.value("sum(histogram_count(mcp_probe_syscall_duration_seconds{syscall=\"read\"}))"), 0);
            assertEquals(hostA.total().count() + hostB.total().count(), prom.value("sum(mcp_probe_events_recorded_total)"), 0);

            // Both hosts' raw counts merged bucket for bucket: the P99 of all their reads together.
            long mergedP99 = readRow(hostA.merge(hostB)).latency().p99Ns();
            double promP99 = 1e9 * prom.value("histogram_quantile(0.99, sum(mcp_probe_syscall_duration_seconds{syscall=\"read\"}))");
            double bound = (HistogramAccumulator.NATIVE_RELATIVE_ERROR + PROBE_RELATIVE_ERROR) * mergedP99;
            System.out.printf("two hosts: reads %d + %d; merged read P99: probes %d ns (A %d, B %d), Prometheus %.1f ns (bound +-%.1f)%n",
                    readCount(hostA), readCount(hostB), mergedP99, readRow(hostA).latency().p99Ns(),
                    readRow(hostB).latency().p99Ns(), promP99, bound);
            assertEquals(mergedP99, promP99, bound);
            assertFalse(prom.query("mcp_probe_syscall_duration_seconds{syscall=\"read\"}").path("result").isEmpty());
        }
    }
}
