package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.snapshot.Verdict;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls.Shape;
import dev.mcplatencyprobe.testing.RandomCalls;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verdict is taken from the calls that are not blocking waits, while the total keeps every
 * call: an idle JVM's parked threads (futex) and selectors (epoll_wait with 1 s timeouts) must not
 * make the verdict PROBLEMATIC.
 */
class WithoutWaitsTest {
    private static final Syscalls X86_64 = Syscalls.forArch("x86_64");
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int FUTEX = 202;
    private static final int EPOLL_WAIT = 232;
    private static final int ACCEPT = 43;
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long END_NS = 1L << 50;

    private static LatencyRecorder recorder() {
        return new LatencyRecorder(LatencyRecorder.Config.defaults().withSyscalls(X86_64), 0);
    }

    /** An idle JVM server: 1 s waits in futex and epoll_wait, fast reads in between. */
    private static LatencyRecorder idleServer(int tgid) {
        LatencyRecorder recorder = recorder();
        long endNs = 1;
        for (int i = 0; i < 300; i++) {
            recorder.record(endNs++, SECOND_NS, 0, tgid, FUTEX);
            recorder.record(endNs++, SECOND_NS, 0, tgid, EPOLL_WAIT);
            recorder.record(endNs++, 2_000 + i, 0, tgid, READ);
        }
        return recorder;
    }

    @Test
    void verdictOfAnIdleServerComesFromItsReadsNotItsOneSecondWaits() {
        LatencySnapshot snapshot = idleServer(7).finish(END_NS, LossCounters.ZERO);

        assertEquals(900, snapshot.total().count(), "the total keeps every call");
        assertEquals(SECOND_NS, snapshot.total().p99Ns());
        assertEquals(Verdict.PROBLEMATIC, snapshot.total().verdict(), "what the verdict used to be");

        assertEquals(300, snapshot.withoutWaits().count());
        assertEquals(600, snapshot.blockingWaitCount());
        assertTrue(snapshot.withoutWaits().p99Ns() < 3_000, "P99 of the reads: " + snapshot.withoutWaits().p99Ns());
        assertEquals(2_299, snapshot.withoutWaits().maxNs());
        assertEquals(Verdict.EXCELLENT, snapshot.verdict());
        assertEquals(Verdict.EXCELLENT.rule(), snapshot.verdictRule());
        assertEquals(Verdict.EXCELLENT.action(), snapshot.verdictAction());
        assertFalse(snapshot.onlyBlockingWaits());

        assertEquals(List.of("futex", "epoll_wait"), snapshot.blockingWaits().stream().map(SyscallLatency::name).toList());
        for (SyscallLatency s : snapshot.syscalls()) {
            assertEquals(s.nr() != READ, s.blockingWait(), s.name());
        }
    }

    @Test
    void slowCallsThatAreNotWaitsStillDecide() {
        LatencyRecorder recorder = idleServer(7);
        for (int i = 0; i < 10; i++) {
            recorder.record(10_000 + i, 80_000_000, 0, 7, WRITE); // 10 of 310: above the P99
        }
        LatencySnapshot snapshot = recorder.finish(END_NS, LossCounters.ZERO);
        assertEquals(310, snapshot.withoutWaits().count());
        assertEquals(80_000_000, snapshot.withoutWaits().p99Ns());
        assertEquals(Verdict.PROBLEMATIC, snapshot.verdict());
    }

    @Test
    void windowOfOnlyBlockingWaitsHasNoDataAndSaysWhy() {
        LatencyRecorder recorder = recorder();
        recorder.record(1, SECOND_NS, 0, 7, FUTEX);
        recorder.record(2, SECOND_NS, 0, 7, EPOLL_WAIT);
        recorder.record(3, 5 * SECOND_NS, 0, 7, ACCEPT);
        LatencySnapshot snapshot = recorder.finish(END_NS, LossCounters.ZERO);

        assertEquals(3, snapshot.total().count());
        assertEquals(0, snapshot.withoutWaits().count());
        assertEquals(Verdict.NO_DATA, snapshot.verdict(), "not EXCELLENT, not PROBLEMATIC");
        assertTrue(snapshot.onlyBlockingWaits());
        assertEquals(Verdict.ONLY_WAITS_RULE, snapshot.verdictRule());
        assertTrue(snapshot.verdictAction().contains("blocking wait"), snapshot.verdictAction());
        assertEquals(Verdict.NO_DATA, snapshot.processes().get(0).verdict());
    }

    @Test
    void emptyWindowKeepsTheNoCallsWording() {
        LatencySnapshot empty = recorder().finish(1, LossCounters.ZERO);
        assertFalse(empty.onlyBlockingWaits());
        assertEquals(Verdict.NO_DATA.rule(), empty.verdictRule());
        assertEquals(Verdict.NO_DATA.action(), empty.verdictAction());
    }

    @Test
    void eachProcessCarriesBothDistributionsAndItsOwnVerdict() {
        LatencyRecorder recorder = recorder();
        long endNs = 1;
        for (int i = 0; i < 200; i++) {
            recorder.record(endNs++, SECOND_NS, 0, 100, FUTEX); // waits a lot, works fast
            recorder.record(endNs++, 3_000, 0, 100, READ);
            recorder.record(endNs++, 60_000_000, 0, 200, WRITE); // slow writes: a real problem
            recorder.record(endNs++, 20_000_000, 0, 300, EPOLL_WAIT); // only waits
        }
        LatencySnapshot snapshot = recorder.finish(END_NS, LossCounters.ZERO);
        ProcessLatency waitsAndReads = process(snapshot, 100);
        ProcessLatency slowWrites = process(snapshot, 200);
        ProcessLatency onlyWaits = process(snapshot, 300);

        assertEquals(400, waitsAndReads.latency().count());
        assertEquals(200, waitsAndReads.withoutWaits().count());
        assertEquals(200, waitsAndReads.blockingWaitCount());
        assertEquals(3_000, waitsAndReads.withoutWaits().maxNs());
        assertEquals(Verdict.PROBLEMATIC, waitsAndReads.latency().verdict());
        assertEquals(Verdict.EXCELLENT, waitsAndReads.verdict());

        assertEquals(200, slowWrites.withoutWaits().count());
        assertEquals(Verdict.PROBLEMATIC, slowWrites.verdict());

        assertEquals(200, onlyWaits.latency().count());
        assertEquals(0, onlyWaits.withoutWaits().count());
        assertEquals(Verdict.NO_DATA, onlyWaits.verdict());
    }

    @Test
    void processesBeyondTheLimitShareOneRowWithBothDistributions() {
        LatencyRecorder recorder = new LatencyRecorder(
                LatencyRecorder.Config.defaults().withSyscalls(X86_64).withMaxProcesses(1), 0);
        recorder.record(1, 1_000, 0, 1, READ);
        recorder.record(2, SECOND_NS, 0, 2, FUTEX);
        recorder.record(3, 4_000, 0, 3, READ);
        LatencySnapshot snapshot = recorder.finish(END_NS, LossCounters.ZERO);
        ProcessLatency other = process(snapshot, ProcessLatency.OTHER_TGID);
        assertEquals(2, other.latency().count());
        assertEquals(1, other.withoutWaits().count());
        assertEquals(4_000, other.withoutWaits().maxNs());
    }

    @Test
    void narrowingToProcessesKeepsTheirCallsWithoutWaits() {
        LatencyRecorder recorder = recorder();
        long endNs = 1;
        for (int i = 0; i < 100; i++) {
            recorder.record(endNs++, SECOND_NS, 0, 100, FUTEX);
            recorder.record(endNs++, 5_000, 0, 100, READ);
            recorder.record(endNs++, 2 * SECOND_NS, 0, 101, EPOLL_WAIT);
            recorder.record(endNs++, 30_000_000, 0, 101, WRITE);
            recorder.record(endNs++, 90_000_000, 0, 200, WRITE);
        }
        LatencySnapshot whole = recorder.finish(END_NS, LossCounters.ZERO);
        LatencySnapshot server = whole.forProcesses("thinking", 100, 101);

        assertEquals(400, server.total().count());
        assertEquals(200, server.withoutWaits().count());
        assertEquals(200, server.blockingWaitCount());
        assertEquals(30_000_000, server.withoutWaits().maxNs());
        assertEquals(Verdict.GOOD, server.verdict());
        assertEquals(Verdict.PROBLEMATIC, whole.verdict(), "process 200's slow writes decide for the whole window");
        assertEquals(List.of(), server.blockingWaits(), "a narrowed snapshot has no syscall table");
        assertEquals(Verdict.NO_DATA, whole.forProcesses("none", 999).verdict());
        assertFalse(whole.forProcesses("none", 999).onlyBlockingWaits());
    }

    @Test
    void mergedSnapshotsKeepTheCallsWithoutWaitsOfBoth() {
        List<Call> calls = RandomCalls.generate(11, Shape.LOG_UNIFORM, 20_000, 0, 1_000);
        LatencyRecorder both = recorder();
        LatencyRecorder first = recorder();
        LatencyRecorder second = recorder();
        SplittableRandom split = new SplittableRandom(11);
        for (Call call : calls) {
            call.recordInto(both);
            call.recordInto(split.nextBoolean() ? first : second);
        }
        LatencySnapshot expected = both.finish(END_NS, LossCounters.ZERO);
        LatencySnapshot merged = first.finish(END_NS, LossCounters.ZERO).merge(second.finish(END_NS, LossCounters.ZERO));

        assertTrue(expected.blockingWaitCount() > 0 && expected.withoutWaits().count() > 0, "both kinds in the data");
        assertSame(expected.withoutWaits(), merged.withoutWaits());
        assertEquals(expected.verdict(), merged.verdict());
        assertEquals(expected.processes().size(), merged.processes().size());
        for (int i = 0; i < expected.processes().size(); i++) {
            assertSame(expected.processes().get(i).latency(), merged.processes().get(i).latency());
            assertSame(expected.processes().get(i).withoutWaits(), merged.processes().get(i).withoutWaits());
        }
        assertEquals(expected.blockingWaits().stream().map(SyscallLatency::name).toList(),
                merged.blockingWaits().stream().map(SyscallLatency::name).toList());

        assertSame(expected.forProcesses("x", 100, 200).withoutWaits(), merged.forProcesses("x", 100, 200).withoutWaits());
    }

    @Test
    void intervalsAndTheWholeRunSplitTheSameCalls() {
        List<Call> calls = RandomCalls.generate(5, Shape.HEAVY_TAIL, 5_000, 0, 10_000_000);
        LatencyRecorder recorder = new LatencyRecorder(
                LatencyRecorder.Config.defaults().withSyscalls(X86_64).withIntervalNs(3 * SECOND_NS), 0);
        long withoutWaitsInIntervals = 0;
        for (Call call : calls) {
            call.recordInto(recorder);
            for (LatencySnapshot interval : recorder.rotateIfDue(call.endNs(), LossCounters.ZERO)) {
                withoutWaitsInIntervals += interval.withoutWaits().count();
            }
        }
        long endNs = calls.get(calls.size() - 1).endNs() + 1;
        for (LatencySnapshot interval : recorder.rotateIfDue(endNs + 3 * SECOND_NS, LossCounters.ZERO)) {
            withoutWaitsInIntervals += interval.withoutWaits().count();
        }
        LatencySnapshot whole = recorder.finish(endNs + 3 * SECOND_NS, LossCounters.ZERO);
        long expected = calls.stream().filter(c -> !X86_64.isBlockingWait(c.nr())).count();
        assertEquals(expected, withoutWaitsInIntervals);
        assertEquals(expected, whole.withoutWaits().count());
        long processesWithoutWaits = whole.processes().stream().mapToLong(p -> p.withoutWaits().count()).sum();
        assertEquals(expected, processesWithoutWaits, "each call in one group of its process");
    }

    private static ProcessLatency process(LatencySnapshot snapshot, int tgid) {
        return snapshot.processes().stream().filter(p -> p.tgid() == tgid).findFirst().orElseThrow();
    }

    /** Same calls, same counts, same histogram: the distributions were made from the same data. */
    private static void assertSame(LatencyDistribution expected, LatencyDistribution actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.errorCount(), actual.errorCount());
        assertEquals(expected.sumNs(), actual.sumNs());
        assertEquals(expected.minNs(), actual.minNs());
        assertEquals(expected.maxNs(), actual.maxNs());
        assertEquals(expected.highLatencyCount(), actual.highLatencyCount());
        assertEquals(expected.buckets(), actual.buckets());
        assertEquals(expected.histogramCopy(), actual.histogramCopy());
        assertEquals(expected.p99Ns(), actual.p99Ns());
    }
}
