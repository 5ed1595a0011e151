package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.snapshot.LatencyDistribution.ExactLimits;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LossCounters;
import org.junit.jupiter.api.Test;

/** The limits around which percentiles are exact come from the recorder's config, the verdict's by default. */
class ExactLimitsTest {
    private static final long START_NS = 1_000_000_000L;

    private static LatencyDistribution p99Around(LatencyRecorder.Config config, long fastNs, long slowNs) {
        LatencyRecorder recorder = new LatencyRecorder(config, START_NS);
        // Rank 990 of 1000 is the first slow call: the P99 is slowNs, whatever bucket both fall in.
        for (int i = 0; i < 1_000; i++) {
            recorder.record(START_NS + i, i < 989 ? fastNs : slowNs, 0, 1, 0);
        }
        return recorder.finish(START_NS + 1_000, LossCounters.ZERO).total();
    }

    @Test
    void theDefaultsAreTheVerdictsLimits() {
        assertEquals(LatencyDistribution.VERDICT_LIMITS, LatencyRecorder.Config.defaults().exactLimits());
        LatencyDistribution d = p99Around(LatencyRecorder.Config.defaults(), 9_999_000, 10_000_000);
        assertTrue(d.p99Ns() >= 10_000_000, "P99 " + d.p99Ns());
    }

    @Test
    void otherLimitsMakeThePercentilesExactAroundThem() {
        ExactLimits oneMs = new ExactLimits(1_000_000, 2_000_000);
        LatencyRecorder.Config config = LatencyRecorder.Config.defaults().withExactLimits(oneMs);
        LatencyDistribution d = p99Around(config, 999_000, 1_000_000);
        assertEquals(1_000_000, d.p99Ns(), "the call at rank 990 is the first of 1 ms");
        long below = p99Around(config, 999_000, 999_999).p99Ns();
        assertTrue(below < 1_000_000, "a P99 below the lower limit stays below it: " + below);
        LatencyDistribution upper = p99Around(config, 2_000_000, 2_000_001);
        assertTrue(upper.p99Ns() > 2_000_000, "P99 " + upper.p99Ns());
    }

    @Test
    void distributionsCountedAroundDifferentLimitsDoNotMerge() {
        LatencyDistribution verdict = p99Around(LatencyRecorder.Config.defaults(), 1_000, 2_000);
        LatencyDistribution other = p99Around(LatencyRecorder.Config.defaults().withExactLimits(new ExactLimits(5_000, 6_000)), 1_000, 2_000);
        assertThrows(IllegalArgumentException.class, () -> verdict.merge(other));
        assertEquals(2_000, verdict.merge(verdict).count());
    }

    @Test
    void limitsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new ExactLimits(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new ExactLimits(10, 5));
    }
}
