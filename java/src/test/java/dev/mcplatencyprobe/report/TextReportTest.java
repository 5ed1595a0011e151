package dev.mcplatencyprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextReportTest {
    private static final Syscalls X86_64 = Syscalls.forArch("x86_64");
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int ACCEPT = 43;
    private static final int FUTEX = 202;
    private static final int EPOLL_WAIT = 232;
    private static final long SECOND_NS = 1_000_000_000L;
    private static final Map<Integer, String> NAMES = Map.of(4101, "thinking", 4102, "memory");

    /** Two processes, four syscalls (two of them blocking waits), two calls above 50 ms, one failure. */
    private static LatencyRecorder recorder() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
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

    /**
     * The block from the header to the footer rule is the one the users' tooling has always printed
     * (bpftrace rows, every call counted, waits included: this golden predates the verdict's
     * split); the verdict below the footer comes from the calls that are not blocking waits.
     */
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
                Without blocking waits (epoll_wait 2, futex 1 excluded): 11 calls, P50 1.51ms | P90 3.00ms | P99 3.00ms | P99.9 3.00ms | max 3.00ms
                Failed calls (negative return): 1
                Events dropped: 0 (ring buffer full); not timed: 0; exits without entry: 0
                Top syscalls by count: read 8, write 3 (1 failed), epoll_wait 2, futex 1
                Top syscalls by P99: epoll_wait 75.0ms, write 3.00ms, read 1.50ms, futex 700ns
                Process 4101 (thinking): 9 calls, P50 1.50ms, P99 1.50ms, max 1.50ms, high latency 0; without blocking waits: 8 calls, P99 1.50ms, EXCELLENT
                Process 4102 (memory): 5 calls, P50 3.01ms, P99 75.0ms, max 75.0ms, high latency 2; without blocking waits: 3 calls, P99 3.00ms, EXCELLENT
                Verdict: EXCELLENT (P99 < 10ms; P99 3.00ms of the 11 calls that are not blocking waits): systemd alone is enough; a kernel module is optional
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
        assertTrue(report.contains("\nWithout blocking waits (2 calls excluded): 3 calls, P50 3.00ms | "), report);
        assertTrue(report.contains("\nVerdict: EXCELLENT (P99 < 10ms; P99 3.00ms of the 3 calls that are not blocking waits): "));
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
                Without blocking waits (none seen): no calls
                Failed calls (negative return): 0
                Events dropped: 0 (ring buffer full); not timed: 0; exits without entry: 0
                Verdict: NO_DATA (no calls): no syscalls were traced in this window: check the target and the loss counters
                """, report);
    }

    /** An idle JVM server: 1 s waits in futex and epoll_wait, a few accepts, fast reads and writes. */
    private static LatencySnapshot idleServer() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
        long endNs = 1;
        for (int i = 0; i < 300; i++) {
            recorder.record(endNs++, SECOND_NS, 0, 4101, FUTEX);
            recorder.record(endNs++, SECOND_NS, 0, 4101, EPOLL_WAIT);
            recorder.record(endNs++, 2_000, 0, 4101, READ);
            recorder.record(endNs++, 4_000, 0, 4102, WRITE);
        }
        recorder.record(endNs++, 3 * SECOND_NS, 0, 4102, ACCEPT);
        return recorder.finish(10 * SECOND_NS, LossCounters.ZERO);
    }

    @Test
    void verdictOfAnIdleServerComesFromItsReadsAndSaysSo() {
        String report = TextReport.render(idleServer(), NAMES::get);
        List<String> lines = report.lines().toList();
        assertTrue(lines.contains("Total calls: 1201"), report);
        assertTrue(lines.contains("⚠️  High latency calls (>50ms): 601"), "waits count in the users' block");
        assertTrue(lines.contains("Percentiles: P50 1.00s | P90 1.00s | P99 1.00s | P99.9 1.00s | max 3.00s"), report);
        assertTrue(lines.contains("Without blocking waits (futex 300, epoll_wait 300, accept 1 excluded): 600 calls,"
                + " P50 2.01µs | P90 4.00µs | P99 4.00µs | P99.9 4.00µs | max 4.00µs"), report);
        assertTrue(lines.contains("Process 4101 (thinking): 900 calls, P50 1.00s, P99 1.00s, max 1.00s, high latency 600;"
                + " without blocking waits: 300 calls, P99 2.00µs, EXCELLENT"), report);
        assertEquals("Verdict: EXCELLENT (P99 < 10ms; P99 4.00µs of the 600 calls that are not blocking waits):"
                + " systemd alone is enough; a kernel module is optional", lines.get(lines.size() - 1));
    }

    @Test
    void windowOfOnlyBlockingWaitsHasNoVerdictAndSaysWhy() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
        recorder.record(1, SECOND_NS, 0, 4101, FUTEX);
        recorder.record(2, SECOND_NS, 0, 4101, FUTEX);
        recorder.record(3, SECOND_NS, 0, 4102, EPOLL_WAIT);
        String report = TextReport.render(recorder.finish(SECOND_NS, LossCounters.ZERO), NAMES::get);
        List<String> lines = report.lines().toList();
        assertTrue(lines.contains("Without blocking waits (futex 2, epoll_wait 1 excluded): no calls"), report);
        assertTrue(lines.contains("Process 4102 (memory): 1 calls, P50 1.00s, P99 1.00s, max 1.00s, high latency 1;"
                + " without blocking waits: no calls, NO_DATA"), report);
        assertEquals("Verdict: NO_DATA (only blocking waits): every call traced was a blocking wait (futex, epoll_wait, ...),"
                + " whose latency is idle time, not syscall cost: trace while the servers do work", lines.get(lines.size() - 1));
    }

    /** The users' block counts every call: the same calls as waits or as reads give the same block, byte for byte. */
    @Test
    void usersBlockIsTheSameWhetherOrNotCallsAreBlockingWaits() {
        List<Call> calls = RandomCalls.generate(21, RandomCalls.Shape.LOG_UNIFORM, 5_000, 0, 1_000);
        LatencyRecorder asRecorded = new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
        LatencyRecorder asReads = new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
        for (Call call : calls) {
            call.recordInto(asRecorded);
            asReads.record(call.endNs(), call.latencyNs(), call.ret(), call.tgid(), READ);
        }
        LatencySnapshot split = asRecorded.finish(SECOND_NS * 100, LossCounters.ZERO);
        LatencySnapshot unsplit = asReads.finish(SECOND_NS * 100, LossCounters.ZERO);
        assertTrue(split.blockingWaitCount() > 1_000 && unsplit.blockingWaitCount() == 0, "the data has waits");
        assertEquals(usersBlock(TextReport.render(unsplit)), usersBlock(TextReport.render(split)));
        assertEquals(usersBlock(TextReport.render(unsplit.forProcesses("x", 100))),
                usersBlock(TextReport.render(split.forProcesses("x", 100))));
        assertFalse(TextReport.render(unsplit).equals(TextReport.render(split)), "below the footer they differ");
    }

    /** The lines from the header to the footer rule, both included. */
    private static String usersBlock(String report) {
        List<String> lines = report.lines().toList();
        int footer = lines.indexOf("=".repeat(lines.get(0).length()));
        assertTrue(footer > 0, report);
        return String.join("\n", lines.subList(0, footer + 1));
    }
}
