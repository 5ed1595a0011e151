package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReportTest {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final long SECOND_NS = 1_000_000_000L;
    private static final Syscalls X86_64 = Syscalls.forArch("x86_64");

    private static LatencyRecorder recorder() {
        return new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
    }

    /** read and openat (failed) of process 10, an epoll_wait (a blocking wait) of 80 ms of process 20. */
    private static LatencySnapshot snapshot(boolean withCalls) {
        LatencyRecorder recorder = recorder();
        if (withCalls) {
            recorder.record(1, 1_500_000, 0, 10, 0);
            recorder.record(2, 2_500_000, -2, 10, 257);
            recorder.record(3, 80_000_000, 0, 20, 232);
        }
        return recorder.rotateIfDue(10 * SECOND_NS, new LossCounters(5, 1, 0, 1)).get(0);
    }

    @Test
    void reportIsOneLineOfJsonWithTheIssuesFields() throws Exception {
        String json = JsonReport.render(snapshot(true), Map.of(10, "thinking", 20, "memory")::get);
        assertFalse(json.contains("\n"));
        JsonNode report = STRICT.readTree(json);
        assertEquals(10, report.get("window_s").asInt());
        assertFalse(report.get("final").asBoolean());
        assertTrue(report.get("final").isBoolean());
        assertEquals(3, report.get("total_calls").asLong());
        assertEquals(1, report.get("dropped").asLong());
        assertEquals(2, report.get("lost").asLong());
        assertEquals(1, report.get("high_latency_calls").asLong());
        assertEquals(50_000_000, report.get("threshold_ns").asLong());
        for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
            assertTrue(report.get("percentiles_ns").get(p).isIntegralNumber(), p);
        }
        assertEquals(80_000_000, report.get("percentiles_ns").get("max").asLong());
        assertEquals(80_000_000, report.get("percentiles_ns").get("p99").asLong(), "percentiles_ns: every call");
        JsonNode firstRow = report.get("histogram_us").get(0);
        assertEquals(1024, firstRow.get("lo").asLong());
        assertEquals(2048, firstRow.get("hi").asLong());
        assertEquals(1, firstRow.get("count").asLong());
        JsonNode openat = report.get("syscalls").get(2);
        assertEquals("openat", openat.get("name").asText(), "syscalls by number: read 0, epoll_wait 232, openat 257");
        for (String field : List.of("nr", "count", "errors", "p50_ns", "p99_ns", "max_ns")) {
            assertTrue(openat.get(field).isIntegralNumber(), field);
        }
        assertEquals(1, openat.get("errors").asLong());
        assertFalse(openat.get("blocking_wait").asBoolean());
        assertTrue(report.get("syscalls").get(1).get("blocking_wait").asBoolean(), "epoll_wait");
        assertEquals("memory", report.get("processes").get(1).get("name").asText());
        assertEquals("EXCELLENT", report.get("verdict").asText(), "from read and openat; epoll_wait is a blocking wait");
        assertEquals("P99 < 10ms", report.get("verdict_rule").asText());
        assertEquals("systemd alone is enough; a kernel module is optional", report.get("action").asText());
        assertEquals("without_blocking_waits", report.get("verdict_basis").asText());
    }

    @Test
    void callsWithoutWaitsHaveTheirOwnObjectWhichTheVerdictNames() throws Exception {
        JsonNode report = STRICT.readTree(JsonReport.render(snapshot(true)));
        JsonNode basis = report.get(report.get("verdict_basis").asText());
        assertEquals(2, basis.get("count").asLong());
        assertEquals(1, basis.get("errors").asLong());
        assertEquals(0, basis.get("high_latency_calls").asLong());
        assertEquals(1, basis.get("excluded_calls").asLong());
        assertEquals(List.of("epoll_wait"), STRICT.convertValue(basis.get("excluded_syscalls"), List.class));
        JsonNode percentiles = basis.get("percentiles_ns");
        assertEquals(2_500_000, percentiles.get("p99").asLong(), 25_000);
        assertEquals(2_500_000, percentiles.get("max").asLong());

        JsonNode waiter = report.get("processes").get(1);
        assertEquals(20, waiter.get("tgid").asInt());
        assertEquals(80_000_000, waiter.get("p99_ns").asLong(), "the process's fields: every call");
        assertEquals(0, waiter.get("without_blocking_waits").get("count").asLong());
        assertTrue(waiter.get("without_blocking_waits").get("p99_ns").isNull());
        assertEquals("NO_DATA", waiter.get("verdict").asText());
        JsonNode worker = report.get("processes").get(0);
        assertEquals(2, worker.get("without_blocking_waits").get("count").asLong());
        assertEquals(2_500_000, worker.get("without_blocking_waits").get("max_ns").asLong());
        assertEquals("EXCELLENT", worker.get("verdict").asText());
    }

    @Test
    void narrowedReportCountsItsWaitsWithoutNamingThem() throws Exception {
        JsonNode report = STRICT.readTree(JsonReport.render(snapshot(true).forProcesses("memory", 20)));
        JsonNode basis = report.get("without_blocking_waits");
        assertEquals(0, basis.get("count").asLong());
        assertEquals(1, basis.get("excluded_calls").asLong());
        assertTrue(basis.get("excluded_syscalls").isNull(), "no syscall table per process");
        assertEquals("NO_DATA", report.get("verdict").asText());
        assertEquals("only blocking waits", report.get("verdict_rule").asText());
        assertTrue(report.get("action").asText().contains("blocking wait"));
    }

    @Test
    void newFieldsComeAfterTheOldOnesAndTheTopLevelVerdictIsTheLastVerdictField() {
        String json = JsonReport.render(snapshot(true));
        // Readers that match fields by position (the CLI's tests, sed in scripts/run_mcp_benchmark.sh).
        assertTrue(json.contains("{\"name\":\"read\",\"nr\":0,\"count\":1,\"errors\":0,"), json);
        assertTrue(json.contains("\"max_ns\":80000000,\"verdict\":\"NO_DATA\",\"without_blocking_waits\":{"), json);
        assertTrue(json.contains("\"percentiles_ns\":{\"p50\":"), json);
        assertTrue(json.contains("},\"histogram_us\":["), json);
        assertTrue(json.contains("\"verdict\":\"EXCELLENT\",\"verdict_rule\":\"P99 < 10ms\",\"action\":"), json);
        // scripts/run_mcp_benchmark.sh reads the last "verdict":"..." of the line.
        assertTrue(json.lastIndexOf("\"verdict\":\"") == json.lastIndexOf("\"verdict\":\"EXCELLENT\""), json);
        assertTrue(json.lastIndexOf("\"verdict\":\"") > json.lastIndexOf("\"processes\""), json);
    }

    @Test
    void emptyWindowHasNullPercentilesAndNoDataVerdict() throws Exception {
        JsonNode report = STRICT.readTree(JsonReport.render(snapshot(false)));
        assertEquals(0, report.get("total_calls").asLong());
        assertTrue(report.get("percentiles_ns").get("p99").isNull());
        assertTrue(report.get("percentiles_ns").get("max").isNull());
        assertEquals(0, report.get("histogram_us").size());
        assertEquals("NO_DATA", report.get("verdict").asText());
        assertEquals("no calls", report.get("verdict_rule").asText());
        JsonNode basis = report.get("without_blocking_waits");
        assertEquals(0, basis.get("count").asLong());
        assertTrue(basis.get("percentiles_ns").get("p99").isNull());
        assertTrue(basis.get("percentiles_ns").get("max").isNull());
        assertEquals(0, basis.get("excluded_calls").asLong());
        assertEquals(0, basis.get("excluded_syscalls").size());
    }

    @Test
    void finalReportSaysSo() throws Exception {
        LatencyRecorder recorder = recorder();
        recorder.record(1, 1_000, 0, 1, 0);
        JsonNode report = STRICT.readTree(JsonReport.render(recorder.finish(2_500_000_000L, LossCounters.ZERO)));
        assertTrue(report.get("final").asBoolean());
        assertEquals("whole_run", report.get("window").asText());
        assertEquals(2.5, report.get("window_s").asDouble());
    }

    @Test
    void namesAreEscaped() throws Exception {
        String nasty = "a\"b\\c\nd\te\u0001f\u2028g é 🦀 </script>";
        LatencySnapshot snapshot = snapshot(true).forProcesses(nasty, 10);
        String json = JsonReport.render(snapshot, tgid -> nasty);
        JsonNode report = STRICT.readTree(json);
        assertEquals(nasty, report.get("subject").asText());
        assertEquals(nasty, report.get("processes").get(0).get("name").asText());
        assertFalse(json.contains("\u2028"), "U+2028 escaped for JavaScript readers");
        for (char c : json.toCharArray()) {
            assertTrue(c >= 0x20, "no raw control characters");
        }
    }
}
