package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcplatencyprobe.mcp.McpSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --mcp table and JSON: names only, shares as the verdict line reads them. */
class McpReportTest {
    static McpSnapshot.Method method(String method, String tool, long count, long latencyNs, long attributed,
            long syscallNs, long waitNs) {
        return new McpSnapshot.Method(method, tool, count, 1, 2, 3, latencyNs, latencyNs * 2, latencyNs * 3,
                latencyNs * 4, latencyNs * 5, attributed, syscallNs, waitNs, attributed * latencyNs);
    }

    static McpSnapshot snapshot() {
        McpSnapshot.Method call = method("tools/call", "create_entities", 100, 1_000_000, 100, 30_000_000, 10_000_000);
        McpSnapshot.Method ping = method("ping", null, 50, 100_000, 0, 0, 0);
        McpSnapshot.Method all = method("tools/call", null, 100, 1_000_000, 100, 30_000_000, 10_000_000);
        return new McpSnapshot(List.of(call, ping), List.of(new McpSnapshot.Notification("notifications/initialized", 1)), all,
                new McpSnapshot.Totals(150, 2, 4, 6, 1, 0, 3, 50, 5_000_000, 400, 0, 12));
    }

    @Test
    void theTableHasARowPerMethodAndToolAndTheVerdictLineSaysWhetherAKernelModuleCouldHelp() {
        String text = McpReport.text(snapshot());
        assertTrue(text.startsWith(McpReport.TITLE + "\n"), text);
        assertTrue(text.contains("tools/call create_entities"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("ping ") && l.trim().endsWith("-")), "no attributed request: no share\n" + text);
        assertTrue(text.contains("MCP verdict: tools/call P99 3.00ms server side; 30.0% of request time in syscalls"), text);
        assertTrue(text.contains("a kernel module could help"), text);
        assertTrue(text.endsWith("\n"));
    }

    @Test
    void theJsonObjectIsAddedAfterTheReportsFieldsWithTheIssuesFieldNames() throws Exception {
        String report = McpReport.appendJson("{\"report\":\"mcp_latency\",\"verdict\":\"GOOD\"}", snapshot());
        JsonNode root = new ObjectMapper().readTree(report);
        List<String> names = new java.util.ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("report", "verdict", "mcp"), names);
        JsonNode row = root.get("mcp").get("methods").get(0);
        List<String> fields = new java.util.ArrayList<>();
        row.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("method", "tool", "count", "errors", "unpaired", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
                "max_ns", "syscall_ns_per_request", "syscall_share", "wait_share"), fields.subList(0, 13));
        assertEquals(0.3, row.get("syscall_share").asDouble(), 1e-9);
        assertEquals(0.1, row.get("wait_share").asDouble(), 1e-9);
        assertEquals(400_000, row.get("syscall_ns_per_request").asLong());
        assertTrue(root.get("mcp").get("methods").get(1).get("syscall_share").isNull());
        assertEquals(150, root.get("mcp").get("totals").get("requests").asLong());
        assertFalse(report.contains("\"id\""), "ids are never exported");
    }

    @Test
    void tooFewAttributedCallsAreNotJudged() {
        McpSnapshot.Method few = method("tools/call", null, 300, 1_000_000, 4, 0, 1_000);
        McpSnapshot s = new McpSnapshot(List.of(few), List.of(), few, snapshot().totals());
        assertTrue(McpReport.verdictLine(s).contains("not judged: only 4 of 300 calls could be attributed"), McpReport.verdictLine(s));
    }

    @Test
    void withoutToolCallsTheVerdictLineSaysSo() {
        McpSnapshot none = new McpSnapshot(List.of(), List.of(), null, new McpSnapshot.Totals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals("MCP verdict: no tools/call answered: nothing to say about the tools", McpReport.verdictLine(none));
        assertTrue(McpReport.text(none).contains("no MCP request seen"));
    }

    @Test
    void topSyscallsAndFineHistogramsAreInTheTextAndTheJson() throws Exception {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(2);
        h.recordValueWithCount(1_000_000, 100);
        McpSnapshot.Method call = new McpSnapshot.Method("tools/call", "work", 100, 0, 0, 0, 1_000_000, 1_000_000,
                1_000_000, 1_000_000, 1_000_000, 100, 30_000_000, 10_000_000, 100_000_000,
                List.of(new McpSnapshot.SyscallTime("fsync", false, 25_000_000), new McpSnapshot.SyscallTime("futex", true, 10_000_000)), h);
        McpSnapshot s = new McpSnapshot(List.of(call), List.of(), call,
                new McpSnapshot.Totals(100, 0, 0, 0, 0, 0, 0, 3, 3_000_000, 200, 0, 0, 40_000, 70_000, 0, 100));
        String text = McpReport.text(s);
        assertTrue(text.contains("Top syscalls by time inside requests"), text);
        assertTrue(text.contains("  tools/call work (100): fsync 25.0% 250µs, futex (wait) 10.0% 100µs"), text);
        assertTrue(text.contains("Forwarded: 100 requests"), text);
        assertTrue(text.contains("70.0µs of syscalls inside two or more requests"), text);
        JsonNode row = new ObjectMapper().readTree(McpReport.appendJson("{\"report\":\"mcp_latency\"}", s)).get("mcp").get("methods").get(0);
        assertEquals("fsync", row.get("top_syscalls").get(0).get("name").asText());
        assertEquals(0.25, row.get("top_syscalls").get(0).get("share").asDouble(), 1e-9);
        assertTrue(row.get("top_syscalls").get(1).get("blocking_wait").asBoolean());
        assertEquals(100, row.get(FineHistogramJson.FIELD).get(0).get(1).asLong(), "compare reads the method's histogram");
    }
}
