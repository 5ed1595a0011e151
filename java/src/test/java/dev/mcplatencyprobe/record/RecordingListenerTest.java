package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.RequiresBpf;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.targets.LaunchedCommand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The library's pipeline end, used as the README shows it: on the real probe, counts exact, nothing lost. */
@RequiresBpf
class RecordingListenerTest {
    private static final int N = 5_000;

    @Test
    void theReadmeFlowCountsEveryCallOfALaunchedCommand() throws Exception {
        List<LatencySnapshot> intervals = Collections.synchronizedList(new ArrayList<>());
        try (SyscallProbe probe = SyscallProbe.builder()
                // The shell outlives dd's calls by a sleep, so that its name is read while it runs.
                .launch(List.of("sh", "-c", "dd if=/dev/zero of=/dev/null bs=1 count=" + N + " 2>/dev/null; sleep 0.5"))
                .open();
                ProcessNames names = new ProcessNames()) {
            LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults()
                    .withIntervalNs(TimeUnit.MILLISECONDS.toNanos(100)), System.nanoTime());
            RecordingListener listener = new RecordingListener(probe, recorder, names, intervals::add);
            probe.start(listener);
            LaunchedCommand shell = probe.launched().orElseThrow();
            assertEquals(0, shell.waitFor());
            Thread.sleep(250); // at least one interval report after the command's calls
            LatencySnapshot whole = listener.finish(System.nanoTime());

            int pid = (int) shell.pid();
            long reads = whole.syscalls().stream().filter(s -> s.name().equals("read")).mapToLong(s -> s.latency().count()).sum();
            assertTrue(reads >= N && reads <= N + 200, "reads: " + reads); // dd's, and a few of the shell's
            assertTrue(whole.loss().balanced(), whole.loss().toString());
            assertEquals(0, whole.loss().dropped(), whole.loss().toString());
            assertEquals(whole.loss().recorded(), whole.total().count(), "everything recorded is in the whole run");
            assertTrue(!intervals.isEmpty(), "interval reports were cut on the clock");
            long inIntervals = intervals.stream().mapToLong(s -> s.total().count()).sum();
            assertTrue(inIntervals <= whole.total().count(), inIntervals + " > " + whole.total().count());
            for (LatencySnapshot s : intervals) {
                assertTrue(s.loss().balanced(), "interval " + s.loss());
            }
            assertEquals("sh", names.name(pid), "the process was named while it ran");
            assertThrows(IllegalStateException.class, () -> recorder.record(System.nanoTime() + 1, 1, 0, 1, 0),
                    "the recorder is finished: the whole run is final");
        }
    }
}
