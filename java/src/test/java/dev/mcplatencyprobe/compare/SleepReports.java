package dev.mcplatencyprobe.compare;

import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.report.HlogReport;
import dev.mcplatencyprobe.report.IntervalHistograms;
import dev.mcplatencyprobe.report.JsonReport;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Reports of a generated sleep workload, written by the real recorder and renderers: {@code calls}
 * sleeps of {@code sleepNs} that each overrun by an exponential delay (mean 80 µs, as the kernel's
 * timer slack and wake-up latency do), in 1 s windows.
 */
final class SleepReports {
    static final int CLOCK_NANOSLEEP = 230;
    static final long OVERRUN_MEAN_NS = 80_000;

    record Files2(Path json, Path hlog, LatencySnapshot whole) {}

    static Files2 write(Path dir, String name, long seed, int calls, long sleepNs) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long startNs = 1_000_000_000L;
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(1_000_000_000L), startNs);
        IntervalHistograms intervals = new IntervalHistograms(startNs, 1_700_000_000_000L);
        long endNs = startNs;
        for (int i = 0; i < calls; i++) {
            long latency = sleepNs + (long) (-Math.log(1 - random.nextDouble()) * OVERRUN_MEAN_NS);
            endNs += latency + 20_000;
            recorder.record(endNs, latency, 0, 4242, CLOCK_NANOSLEEP);
            for (LatencySnapshot s : recorder.rotateIfDue(endNs, LossCounters.ZERO)) {
                intervals.add(s);
            }
        }
        LatencySnapshot whole = recorder.finish(endNs + 1, LossCounters.ZERO);
        intervals.finish(whole);
        Path json = dir.resolve(name + ".json");
        Path hlog = dir.resolve(name + ".hlog");
        Files.writeString(json, JsonReport.render(whole) + "\n");
        Files.writeString(hlog, HlogReport.render(intervals));
        return new Files2(json, hlog, whole);
    }

    private SleepReports() {}
}
