package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls.Shape;
import dev.mcplatencyprobe.testing.RandomCalls;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** Percentiles against the exact answer from the sorted latencies, on seeded random data. */
class PercentileAccuracyTest {
    private static final double[] PERCENTILES = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};
    private static final double MAX_RELATIVE_ERROR = 0.01;

    static Stream<Arguments> dataSets() {
        return Stream.of(Shape.values()).flatMap(shape -> Stream.of(1L, 2L, 3L, 4L)
                .map(seed -> Arguments.of(shape, seed, seed == 4 ? 7 : 20_000)));
    }

    @ParameterizedTest(name = "{0} seed {1}, {2} calls")
    @MethodSource("dataSets")
    void percentilesAreWithinOnePercentOfTheSortedAnswer(Shape shape, long seed, int count) {
        List<Call> calls = RandomCalls.generate(seed, shape, count, 0, 1_000);
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        calls.forEach(call -> call.recordInto(recorder));
        LatencySnapshot snapshot = recorder.finish(Long.MAX_VALUE / 2, LossCounters.ZERO);
        Predicate<Call> notWait = call -> !Syscalls.forCurrentArch().isBlockingWait(call.nr());

        check("total", snapshot.total(), calls, call -> true);
        check("total without waits", snapshot.withoutWaits(), calls, notWait);
        for (SyscallLatency s : snapshot.syscalls()) {
            check("syscall " + s.name(), s.latency(), calls, call -> call.nr() == s.nr());
        }
        for (ProcessLatency p : snapshot.processes()) {
            Predicate<Call> ofProcess = call -> call.tgid() == p.tgid();
            check("process " + p.tgid(), p.latency(), calls, ofProcess);
            check("process " + p.tgid() + " without waits", p.withoutWaits(), calls, ofProcess.and(notWait));
        }
    }

    private static void check(String group, LatencyDistribution latency, List<Call> calls, Predicate<Call> member) {
        long[] sorted = calls.stream().filter(member).mapToLong(Call::latencyNs).sorted().toArray();
        assertEquals(sorted.length, latency.count(), group + " count");
        if (sorted.length == 0) {
            return;
        }
        assertEquals(sorted[0], latency.minNs(), group + " min");
        assertEquals(sorted[sorted.length - 1], latency.maxNs(), group + " max");
        assertEquals(java.util.Arrays.stream(sorted).sum(), latency.sumNs(), group + " sum");
        for (double p : PERCENTILES) {
            long exact = sorted[nearestRank(p, sorted.length) - 1];
            long reported = latency.valueAtPercentile(p);
            double error = Math.abs(reported - exact) / (double) Math.max(1, exact);
            assertTrue(error <= MAX_RELATIVE_ERROR,
                    group + " P" + p + ": reported " + reported + ", exact " + exact + " (error " + error + ")");
        }
    }

    /** The nearest-rank definition, as HdrHistogram computes it (percentile nudged down by one ulp). */
    private static int nearestRank(double percentile, int count) {
        double nudged = Math.max(0, Math.nextDown(percentile));
        return (int) Math.max(1, Math.ceil(nudged / 100 * count));
    }
}
