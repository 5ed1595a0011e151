package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.targets.LaunchedCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nothing is lost silently: what the ring could not hold is counted. */
@RequiresBpf
class LossAccountingTest {
    private static final int N = 100_000;
    private static final List<String> STORM = List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + N);

    @Test
    void aTinyRingUnderAStormDropsAndCountsEveryDrop() throws Exception {
        long reference = syscallsMadeBy(STORM);
        try (SyscallProbe probe = SyscallProbe.builder()
                .launch(STORM)
                .ringBufferBytes(4096) // 85 records
                .open()) {
            LaunchedCommand dd = probe.launched().orElseThrow();
            Workloads.Tally tally = Workloads.drainUntilExit(probe, dd.process(), Duration.ofSeconds(60));
            LossCounters loss = probe.lossCounters();

            assertTrue(loss.dropped() > 0, "a 4 KiB ring cannot hold a storm: " + loss);
            assertEquals(tally.total + loss.dropped(), loss.emitted(), "emitted: every record delivered or dropped");
            assertEquals(0, loss.unread(), "drained: " + loss);
            assertEquals(tally.total, loss.recorded());
            assertTrue(loss.balanced(), "emitted = recorded + dropped + unread: " + loss);
            long seen = tally.total + loss.dropped();
            assertTrue(Math.abs(seen - reference) <= 5,
                    "delivered " + tally.total + " + dropped " + loss.dropped() + " vs " + reference + " made");
            assertEquals(0, loss.stateFailures(), loss.toString());
        }
    }

    /** The same command under the default ring, which holds everything: how many syscalls it makes. */
    private static long syscallsMadeBy(List<String> argv) throws Exception {
        try (SyscallProbe probe = SyscallProbe.builder().launch(argv).open()) {
            Workloads.Tally tally = Workloads.drainUntilExit(probe, probe.launched().orElseThrow().process(), Duration.ofSeconds(60));
            assertEquals(0, probe.lossCounters().dropped());
            assertTrue(tally.total >= 2L * N, "dd makes N reads and N writes: " + tally.total);
            return tally.total;
        }
    }
}
