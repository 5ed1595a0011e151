package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A syscall storm into a consumer slowed on purpose (its listener sleeps): the ring overflows, but
 * interval reports still come on the clock, memory stays bounded, and every event is accounted for.
 */
@RequiresBpf
class SlowConsumerTest {
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long SLEEP_MS = 100;

    @Test
    void intervalReportsKeepComingAndDropsAreCounted() throws Exception {
        List<long[]> arrivals = Collections.synchronizedList(new ArrayList<>()); // {window end, arrival}
        List<LatencySnapshot> reports = Collections.synchronizedList(new ArrayList<>());
        SyscallProbe probe = SyscallProbe.builder()
                .launch(List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=100000000"))
                .ringBufferBytes(1 << 16) // ~1,170 records: the slow consumer drains at most that per sleep
                .open();
        try (probe; ProcessNames names = new ProcessNames()) {
            long startNs = System.nanoTime();
            LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(INTERVAL_NS), startNs);
            RecordingListener reporting = new RecordingListener(probe, recorder, names, s -> {
                arrivals.add(new long[] {s.windowEndNs(), System.nanoTime()});
                reports.add(s);
            });
            probe.start((batch, nowNs) -> {
                try {
                    Thread.sleep(SLEEP_MS); // the slow consumer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reporting.onBatch(batch, System.nanoTime());
            });
            Thread.sleep(4_000);
            long stopNs = System.nanoTime();
            LossCounters loss = reporting.cutFinal(stopNs, TimeUnit.SECONDS.toNanos(10));
            probe.launched().orElseThrow().process().destroyForcibly();
            probe.close();
            LatencySnapshot whole = recorder.finish(stopNs, loss);

            assertTrue(reports.size() >= 5, reports.size() + " interval reports in 4 s at 500 ms");
            long worstLateNs = 0;
            for (long[] a : arrivals) {
                worstLateNs = Math.max(worstLateNs, a[1] - a[0]);
            }
            // On the clock: late by at most the report lag, one slow batch, and a busy machine's slack.
            assertTrue(worstLateNs < RecordingListener.REPORT_LAG_NS + TimeUnit.MILLISECONDS.toNanos(SLEEP_MS + 700),
                    "a report came " + worstLateNs / 1_000_000 + " ms after its window");
            for (LatencySnapshot s : reports) {
                assertTrue(s.loss().balanced(), "interval " + s.loss());
            }
            assertTrue(loss.balanced(), loss.toString());
            assertTrue(loss.dropped() > 0, "a 64 KiB ring behind a consumer this slow overflows: " + loss);
            assertEquals(loss.recorded(), whole.total().count(), "everything recorded is in the final report");
            Runtime rt = Runtime.getRuntime();
            System.gc();
            assertTrue(rt.totalMemory() - rt.freeMemory() < 256L << 20, "heap in use " + (rt.totalMemory() - rt.freeMemory()));
        }
    }
}
