package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.report.JsonReport;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.Verdict;
import dev.mcplatencyprobe.snapshot.WindowKind;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls.Shape;
import dev.mcplatencyprobe.testing.RandomCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Windows by end time: the report of the last N seconds holds exactly the calls that ended in them. */
class WindowTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long INTERVAL_NS = 10 * SECOND_NS;
    private static final long START_NS = 123_456_789L;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void eachIntervalHoldsExactlyTheCallsThatEndedInIt(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // ~95 s of calls with silences, so some windows are empty and some silences span windows.
        List<Call> calls = new ArrayList<>();
        long t = START_NS;
        while (t < START_NS + 95 * SECOND_NS) {
            List<Call> burst = RandomCalls.generate(random.nextLong(), Shape.LOG_UNIFORM, random.nextInt(1, 500),
                    t, random.nextLong(1, 5_000_000));
            calls.addAll(burst);
            t = burst.get(burst.size() - 1).endNs() + (random.nextInt(4) == 0 ? random.nextLong(30 * SECOND_NS) : 1);
        }
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        List<LatencySnapshot> intervals = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).recordInto(recorder);
            if (random.nextInt(50) == 0) {
                // The consumer's clock, read after it drained what had ended by then.
                long nowNs = calls.get(i).endNs() + random.nextLong(SECOND_NS);
                long nextEnd = i + 1 < calls.size() ? calls.get(i + 1).endNs() : Long.MAX_VALUE;
                intervals.addAll(recorder.rotateIfDue(Math.min(nowNs, nextEnd), LossCounters.ZERO));
            }
        }
        long endNs = calls.get(calls.size() - 1).endNs() + 1;
        intervals.addAll(recorder.rotateIfDue(endNs, LossCounters.ZERO));
        LatencySnapshot whole = recorder.finish(endNs, LossCounters.ZERO);

        long coveredUntil = START_NS;
        long counted = 0;
        for (LatencySnapshot window : intervals) {
            assertEquals(WindowKind.INTERVAL, window.kind());
            assertEquals(coveredUntil, window.windowStartNs(), "windows follow each other without gaps");
            assertEquals(0, (window.windowStartNs() - START_NS) % INTERVAL_NS, "aligned on the start");
            List<Call> inside = calls.stream()
                    .filter(c -> c.endNs() >= window.windowStartNs() && c.endNs() < window.windowEndNs()).toList();
            assertEquals(inside.size(), window.total().count(), "calls of " + window);
            assertEquals(inside.stream().filter(c -> !Syscalls.forCurrentArch().isBlockingWait(c.nr())).count(),
                    window.withoutWaits().count(), "calls without waits of " + window);
            assertEquals(inside.stream().mapToLong(Call::latencyNs).sum(), window.total().sumNs());
            assertEquals(inside.stream().mapToLong(Call::latencyNs).max().orElse(0), window.total().maxNs());
            assertTrue(window.windowLengthNs() == INTERVAL_NS || inside.isEmpty(), "only empty windows span silences");
            coveredUntil = window.windowEndNs();
            counted += inside.size();
        }
        assertEquals(calls.size(), whole.total().count(), "the whole run has every call");
        assertTrue(counted <= calls.size());
        assertTrue(whole.isFinal());
    }

    @Test
    void aWindowClosesOnTheClockWhenNoCallsArrive() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        assertEquals(List.of(), recorder.rotateIfDue(START_NS + INTERVAL_NS - 1, LossCounters.ZERO));
        List<LatencySnapshot> closed = recorder.rotateIfDue(START_NS + INTERVAL_NS, LossCounters.ZERO);
        assertEquals(1, closed.size());
        assertEquals(0, closed.get(0).total().count());
        assertEquals(Verdict.NO_DATA, closed.get(0).verdict());
        assertEquals(INTERVAL_NS, closed.get(0).windowLengthNs());
        assertEquals(START_NS + 2 * INTERVAL_NS, recorder.currentWindowEndNs());
    }

    @Test
    void aLongSilenceIsOneEmptyWindowOfItsRealLength() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        recorder.record(START_NS + 1, 1_000, 0, 1, 0);
        List<LatencySnapshot> closed = recorder.rotateIfDue(START_NS + 45 * SECOND_NS, LossCounters.ZERO);
        assertEquals(2, closed.size());
        assertEquals(1, closed.get(0).total().count());
        assertEquals(30 * SECOND_NS, closed.get(1).windowLengthNs());
        assertEquals(0, closed.get(1).total().count());
    }

    @Test
    void aLateCallJoinsItsWindowUntilThatIsReported() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        recorder.record(START_NS + INTERVAL_NS + 5, 1_000, 0, 1, 0); // closes the first window
        recorder.record(START_NS + INTERVAL_NS - 5, 2_000, 0, 1, 0); // ended earlier, arrived later
        List<LatencySnapshot> closed = recorder.rotateIfDue(START_NS + INTERVAL_NS + 10, LossCounters.ZERO);
        assertEquals(1, closed.size());
        assertEquals(1, closed.get(0).total().count());
        assertEquals(2_000, closed.get(0).total().maxNs());
    }

    @Test
    void lossCountersGoWithTheWindowThatEndsAfterThem() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        LossCounters afterFirst = new LossCounters(100, 3, 1, 0);
        LossCounters afterSecond = new LossCounters(250, 5, 1, 2);
        assertEquals(afterFirst, recorder.rotateIfDue(START_NS + INTERVAL_NS, afterFirst).get(0).loss());
        assertEquals(afterSecond.minus(afterFirst),
                recorder.rotateIfDue(START_NS + 2 * INTERVAL_NS, afterSecond).get(0).loss());
        assertEquals(afterSecond, recorder.finish(START_NS + 2 * INTERVAL_NS + 1, afterSecond).loss());
    }

    @Test
    void sinceStartDoesNotDisturbTheWindows() {
        List<Call> calls = RandomCalls.generate(3, Shape.BIMODAL, 2_000, START_NS, 1_000_000);
        LatencyRecorder plain = new LatencyRecorder(config(), START_NS);
        LatencyRecorder peeked = new LatencyRecorder(config(), START_NS);
        List<String> plainReports = new ArrayList<>();
        List<String> peekedReports = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).recordInto(plain);
            calls.get(i).recordInto(peeked);
            if (i % 100 == 99) {
                LatencySnapshot sinceStart = peeked.sinceStart(calls.get(i).endNs(), LossCounters.ZERO);
                assertEquals(i + 1, sinceStart.total().count());
                assertEquals(WindowKind.SINCE_START, sinceStart.kind());
            }
        }
        long endNs = calls.get(calls.size() - 1).endNs() + INTERVAL_NS;
        plain.rotateIfDue(endNs, LossCounters.ZERO).forEach(s -> plainReports.add(JsonReport.render(s)));
        peeked.rotateIfDue(endNs, LossCounters.ZERO).forEach(s -> peekedReports.add(JsonReport.render(s)));
        assertEquals(plainReports, peekedReports);
        assertEquals(JsonReport.render(plain.finish(endNs, LossCounters.ZERO)),
                JsonReport.render(peeked.finish(endNs, LossCounters.ZERO)));
    }

    @Test
    void theWholeRunIncludesUnreportedAndOpenWindowsAndThenTakesNoMoreCalls() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        recorder.record(START_NS + 1, 1_000, 0, 1, 0);
        recorder.record(START_NS + INTERVAL_NS + 1, 1_000, 0, 1, 0);
        recorder.record(START_NS + 3 * INTERVAL_NS + 1, 1_000, 0, 1, 0);
        LatencySnapshot whole = recorder.finish(START_NS + 3 * INTERVAL_NS + 2, LossCounters.ZERO);
        assertEquals(3, whole.total().count());
        assertEquals(WindowKind.WHOLE_RUN, whole.kind());
        assertEquals(3 * INTERVAL_NS + 2, whole.windowLengthNs());
        assertThrows(IllegalStateException.class, () -> recorder.record(START_NS + 5, 1, 0, 1, 0));
        assertThrows(IllegalStateException.class, () -> recorder.rotateIfDue(START_NS + 5, LossCounters.ZERO));
    }

    @Test
    void batchesAreRecordedLikeSingleCalls() {
        List<Call> calls = RandomCalls.generate(8, Shape.HEAVY_TAIL, 3_000, START_NS, 20_000_000);
        LatencyRecorder single = new LatencyRecorder(config(), START_NS);
        LatencyRecorder batched = new LatencyRecorder(config(), START_NS);
        EventBatch batch = EventBatch.allocate(256);
        for (Call call : calls) {
            call.recordInto(single);
            if (!batch.add(call.endNs(), call.latencyNs(), call.ret(), call.tgid(), call.tgid() + 1, call.nr())) {
                batched.record(batch);
                batch.clear();
                batch.add(call.endNs(), call.latencyNs(), call.ret(), call.tgid(), call.tgid() + 1, call.nr());
            }
        }
        batched.record(batch);
        long endNs = calls.get(calls.size() - 1).endNs() + 1;
        List<String> expected = single.rotateIfDue(endNs, LossCounters.ZERO).stream().map(JsonReport::render).toList();
        List<String> actual = batched.rotateIfDue(endNs, LossCounters.ZERO).stream().map(JsonReport::render).toList();
        assertFalse(expected.isEmpty());
        assertEquals(expected, actual);
    }

    private static LatencyRecorder.Config config() {
        return LatencyRecorder.Config.defaults().withIntervalNs(INTERVAL_NS);
    }

    @Test
    void aWindowClosedByACallFromTheNextIsDueBeforeTheClockReachesTheNextEnd() {
        LatencyRecorder recorder = new LatencyRecorder(config(), START_NS);
        recorder.record(START_NS + SECOND_NS, 1_000, 0, 1, 0);
        assertFalse(recorder.isReportDue(START_NS + 2 * SECOND_NS));
        // A call that ended in the second window closes the first; the consumer's clock is early in the second.
        recorder.record(START_NS + INTERVAL_NS + SECOND_NS, 1_000, 0, 1, 0);
        long nowNs = START_NS + INTERVAL_NS + 2 * SECOND_NS;
        assertTrue(nowNs < recorder.currentWindowEndNs());
        assertTrue(recorder.isReportDue(nowNs), "the closed first window waits to be reported");
        List<LatencySnapshot> due = recorder.rotateIfDue(nowNs, LossCounters.ZERO);
        assertEquals(1, due.size());
        assertEquals(1, due.get(0).total().count());
        assertFalse(recorder.isReportDue(nowNs));
    }
}
