package dev.mcplatencyprobe.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.record.LatencyRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The users' decision table at its limits: P99 < 10 ms EXCELLENT, 10..50 ms (both included) GOOD, > 50 ms PROBLEMATIC. */
class VerdictTest {
    private static final long MS = 1_000_000L;

    @ParameterizedTest(name = "P99 {0} ns: {1}")
    @CsvSource({
        "0, EXCELLENT",
        "9999999, EXCELLENT",
        "10000000, GOOD",
        "10000001, GOOD",
        "49999999, GOOD",
        "50000000, GOOD",
        "50000001, PROBLEMATIC",
        "9000000000, PROBLEMATIC"})
    void tableLimits(long p99Ns, Verdict expected) {
        assertEquals(expected, Verdict.of(1, p99Ns));
    }

    @Test
    void noCallsIsNoDataWhateverTheP99() {
        assertEquals(Verdict.NO_DATA, Verdict.of(0, 0));
        assertEquals(Verdict.NO_DATA, Verdict.of(0, 60 * MS));
        assertTrue(Verdict.NO_DATA.action().contains("no syscalls"));
    }

    @Test
    void actionsAreTheUsersTable() {
        assertEquals("systemd alone is enough; a kernel module is optional", Verdict.EXCELLENT.action());
        assertEquals("optimise Docker + systemd first", Verdict.GOOD.action());
        assertEquals("a zero-copy kernel module (LKM) is needed", Verdict.PROBLEMATIC.action());
    }

    @ParameterizedTest(name = "every call {0} ns: {1}")
    @CsvSource({
        "9999999, EXCELLENT",
        "10000000, GOOD",
        "50000000, GOOD",
        "50000001, PROBLEMATIC"})
    void recordedCallsExactlyAtTheLimits(long latencyNs, Verdict expected) {
        LatencyDistribution latency = record(1_000, latencyNs, 0, 0, 0, 0);
        assertEquals(latencyNs, latency.p99Ns());
        assertEquals(expected, latency.verdict());
    }

    /**
     * The call at rank 990 of 1000 sits exactly at a limit while slower calls follow: the histogram's
     * bucket there straddles the limit, and the exact counts must still decide (the P99 itself may be
     * the bucket's upper edge, on the right side of the limit).
     */
    @ParameterizedTest(name = "P99 exactly {0} ns among slower calls: {1}")
    @CsvSource({
        "9999999, EXCELLENT",
        "10000000, GOOD",
        "50000000, GOOD",
        "50000001, PROBLEMATIC"})
    void p99AtALimitAmongSlowerCalls(long p99Ns, Verdict expected) {
        LatencyDistribution latency = record(980, 1 * MS, 15, p99Ns, 5, 200 * MS);
        assertEquals(expected, latency.verdict());
        assertEquals(expected, Verdict.of(1, latency.p99Ns()), "the printed P99 agrees with the verdict");
        assertTrue(Math.abs(latency.p99Ns() - p99Ns) <= p99Ns / 100, "P99 within 1%: " + latency.p99Ns());
    }

    @Test
    void emptyWindowHasNoData() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        LatencySnapshot empty = recorder.finish(1, LossCounters.ZERO);
        assertEquals(Verdict.NO_DATA, empty.verdict());
        assertEquals(0, empty.total().p99Ns());
    }

    /** {@code n1} calls of {@code v1} ns, then {@code n2} of {@code v2}, then {@code n3} of {@code v3}. */
    private static LatencyDistribution record(int n1, long v1, int n2, long v2, int n3, long v3) {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        long endNs = 1;
        for (int i = 0; i < n1; i++) {
            recorder.record(endNs++, v1, 0, 1, 0);
        }
        for (int i = 0; i < n2; i++) {
            recorder.record(endNs++, v2, 0, 1, 0);
        }
        for (int i = 0; i < n3; i++) {
            recorder.record(endNs++, v3, 0, 1, 0);
        }
        return recorder.finish(endNs, LossCounters.ZERO).total();
    }
}
