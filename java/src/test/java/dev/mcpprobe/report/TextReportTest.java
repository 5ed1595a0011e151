package dev.mcpprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpprobe.decode.LossCounters;
import dev.mcpprobe.record.LatencyRecorder;
import dev.mcpprobe.snapshot.LatencySnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextReportTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final Map<Integer, String> NAMES = Map.of(4101, "thinking", 4102, "memory");

    /** Two processes, four syscalls, two calls above 50 ms, one failure. */
    private static LatencyRecorder recorder() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        long endNs = 1;
        for (int i = 0; i < 8; i++) {
            recorder.record(endNs++, 1_500_000, 0, 4101, 0); // read, [1K, 2K) µs
        }
        for (int i = 0; i < 3; i++) {
            recorder.record(endNs++, 3_000_000, i == 0 ? -11 : 5, 4102, 1); // write, [2K, 4K)
        }
        recorder.record(endNs++, 700, 0, 4101, 202); // futex, [0]
        recorder.record(endNs++, 60_000_000, 0, 4102, 232); // epoll_wait, [32K, 64K)
        recorder.record(endNs++, 75_000_000, 0, 4102, 232); // [64K, 128K)
        return recorder;
    }

    @Test
    void intervalReportInTheUsersFormatWithAddedLinesBelowTheFooter() {
        LatencySnapshot snapshot = recorder().rotateIfDue(10 * SECOND_NS, new LossCounters(14, 0, 0, 0)).get(0);
        String expected = """
                ========== MCP Latency Report (last 10s) ==========
                Syscall Latency Distribution (microseconds):
                [0]                    1 |@@@@@@                                              |
                [1]                    0 |                                                    |
                [2, 4)                 0 |                                                    |
                [4, 8)                 0 |                                                    |
                [8, 16)                0 |                                                    |
                [16, 32)               0 |                                                    |
                [32, 64)               0 |                                                    |
                [64, 128)              0 |                                                    |
                [128, 256)             0 |                                                    |
                [256, 512)             0 |                                                    |
                [512, 1K)              0 |                                                    |
                [1K, 2K)               8 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
                [2K, 4K)               3 |@@@@@@@@@@@@@@@@@@@                                 |
                [4K, 8K)               0 |                                                    |
                [8K, 16K)              0 |                                                    |
                [16K, 32K)             0 |                                                    |
                [32K, 64K)             1 |@@@@@@                                              |
                [64K, 128K)            1 |@@@@@@                                              |
                Total calls: 14
                ⚠️  High latency calls (>50ms): 2
                ===================================================
                Percentiles: P50 1.51ms | P90 60.0ms | P99 75.0ms | P99.9 75.0ms | max 75.0ms
                Failed calls (negative return): 1
                Events dropped: 0 (ring buffer full); not timed: 0; exits without entry: 0
                Top syscalls by count: read 8, write 3 (1 failed), epoll_wait 2, futex 1
                Top syscalls by P99: epoll_wait 75.0ms, write 3.00ms, read 1.50ms, futex 700ns
                Process 4101 (thinking): 9 calls, P50 1.50ms, P99 1.50ms, max 1.50ms, high latency 0, EXCELLENT
                Process 4102 (memory): 5 calls, P50 3.01ms, P99 75.0ms, max 75.0ms, high latency 2, PROBLEMATIC
                Verdict: EXCELLENT (P99 < 10ms): systemd alone is enough; a kernel module is optional
                """;
        assertEquals(expected, TextReport.render(snapshot, NAMES::get));
    }

    @Test
    void footerRuleIsAsLongAsTheHeaderForEveryTitle() {
        LatencyRecorder recorder = recorder();
        LatencySnapshot interval = recorder.rotateIfDue(10 * SECOND_NS, LossCounters.ZERO).get(0);
        LatencySnapshot sinceStart = recorder.sinceStart(15 * SECOND_NS, LossCounters.ZERO);
        LatencySnapshot whole = recorder.finish(65_200_000_000L, LossCounters.ZERO);
        for (LatencySnapshot snapshot : List.of(interval, sinceStart, whole, whole.forProcesses("memory", 4102))) {
            List<String> lines = TextReport.render(snapshot).lines().toList();
            String header = lines.get(0);
            assertTrue(header.startsWith("========== MCP Latency Report (") && header.endsWith(") =========="), header);
            int footer = lines.indexOf("=".repeat(header.length()));
            assertTrue(footer > 0, "footer rule of " + header.length() + " '='");
            assertTrue(lines.get(footer - 1).startsWith("⚠️  High latency calls (>50ms): "));
            assertTrue(lines.get(footer - 2).startsWith("Total calls: "));
            assertTrue(lines.get(lines.size() - 1).startsWith("Verdict: "));
        }
        assertEquals("last 10s", TextReport.title(interval));
        assertEquals("since start, 15s", TextReport.title(sinceStart));
        assertEquals("whole run, 1m 5s", TextReport.title(whole));
        assertEquals("memory, whole run, 1m 5s", TextReport.title(whole.forProcesses("memory", 4102)));
    }

    @Test
    void serverReportCountsOnlyItsProcesses() {
        LatencySnapshot whole = recorder().finish(SECOND_NS, LossCounters.ZERO);
        String report = TextReport.render(whole.forProcesses("memory", 4102), NAMES::get);
        assertTrue(report.contains("Total calls: 5\n"), report);
        assertTrue(report.contains("⚠️  High latency calls (>50ms): 2\n"));
        assertFalse(report.contains("Process "), "one process: no process lines");
        assertFalse(report.contains("Top syscalls"), "syscalls are not kept per process");
    }

    @Test
    void emptyWindowSaysThereWereNoCalls() {
        LatencyRecorder recorder = new LatencyRecorder(
                LatencyRecorder.Config.defaults().withIntervalNs(500_000_000L).withThresholdNs(1_500_000), 0);
        String report = TextReport.render(recorder.rotateIfDue(SECOND_NS / 2, LossCounters.ZERO).get(0));
        assertEquals("""
                ========== MCP Latency Report (last 500ms) ==========
                Syscall Latency Distribution (microseconds):
                Total calls: 0
                ⚠️  High latency calls (>1500µs): 0
                =====================================================
                Percentiles: no calls
                Failed calls (negative return): 0
                Events dropped: 0 (ring buffer full); not timed: 0; exits without entry: 0
                Verdict: NO_DATA (no calls): no syscalls were traced in this window: check the target and the loss counters
                """, report);
    }
}
