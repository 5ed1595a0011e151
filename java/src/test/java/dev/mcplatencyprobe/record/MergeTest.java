package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcplatencyprobe.report.JsonReport;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.testing.Call;
import dev.mcplatencyprobe.testing.RandomCalls.Shape;
import dev.mcplatencyprobe.testing.RandomCalls;
import org.HdrHistogram.Histogram;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Two recorders (two processes, two hosts) merged equal one recorder fed both streams: compared
 * through the JSON report, which carries every count, bucket and percentile of a snapshot.
 */
class MergeTest {
    private static final long END_NS = 1L << 50;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void mergedSnapshotsEqualOneRecorderFedBothStreams(long seed) {
        Shape shape = Shape.values()[(int) (seed % Shape.values().length)];
        List<Call> calls = RandomCalls.generate(seed, shape, 30_000, 0, 10_000);
        LatencyRecorder both = recorder();
        LatencyRecorder first = recorder();
        LatencyRecorder second = recorder();
        SplittableRandom split = new SplittableRandom(seed);
        for (Call call : calls) {
            call.recordInto(both);
            call.recordInto(split.nextBoolean() ? first : second);
        }
        LossCounters lossA = new LossCounters(10, 1, 2, 3);
        LossCounters lossB = new LossCounters(20, 5, 6, 7);

        LatencySnapshot merged = first.finish(END_NS, lossA).merge(second.finish(END_NS, lossB));
        LatencySnapshot expected = both.finish(END_NS, lossA.plus(lossB));

        assertEquals(JsonReport.render(expected), JsonReport.render(merged));
    }

    @Test
    void mergingIsOrderIndependent() {
        List<Call> calls = RandomCalls.generate(9, Shape.HEAVY_TAIL, 5_000, 0, 1_000);
        LatencyRecorder a = recorder();
        LatencyRecorder b = recorder();
        calls.subList(0, 2_000).forEach(call -> call.recordInto(a));
        calls.subList(2_000, 5_000).forEach(call -> call.recordInto(b));
        LatencySnapshot sa = a.finish(END_NS, LossCounters.ZERO);
        LatencySnapshot sb = b.finish(END_NS, LossCounters.ZERO);
        assertEquals(JsonReport.render(sa.merge(sb)), JsonReport.render(sb.merge(sa)));
    }

    @Test
    void histogramsTravelInHdrHistogramsEncodingAndAddUpExactly() throws Exception {
        List<Call> calls = RandomCalls.generate(4, Shape.LOG_UNIFORM, 10_000, 0, 1_000);
        LatencyRecorder here = recorder();
        LatencyRecorder there = recorder();
        LatencyRecorder both = recorder();
        for (int i = 0; i < calls.size(); i++) {
            calls.get(i).recordInto(i % 3 == 0 ? there : here);
            calls.get(i).recordInto(both);
        }
        Histogram sent = there.finish(END_NS, LossCounters.ZERO).total().histogramCopy();
        ByteBuffer wire = ByteBuffer.allocate(sent.getNeededByteBufferCapacity());
        sent.encodeIntoCompressedByteBuffer(wire);
        wire.flip();
        Histogram received = Histogram.decodeFromCompressedByteBuffer(wire, 0);

        Histogram merged = here.finish(END_NS, LossCounters.ZERO).total().histogramCopy();
        merged.add(received);
        assertEquals(both.finish(END_NS, LossCounters.ZERO).total().histogramCopy(), merged);
    }

    @Test
    void snapshotsWithDifferentThresholdsDoNotMerge() {
        LatencyRecorder a = recorder();
        LatencyRecorder b = new LatencyRecorder(LatencyRecorder.Config.defaults().withThresholdNs(1_000_000), 0);
        LatencySnapshot sa = a.finish(1, LossCounters.ZERO);
        LatencySnapshot sb = b.finish(1, LossCounters.ZERO);
        assertThrows(IllegalArgumentException.class, () -> sa.merge(sb));
    }

    private static LatencyRecorder recorder() {
        return new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
    }
}
