package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel stages records per CPU and writes them to the ring several at a time
 * (MLP_STAGE_RECORDS in bpf-src/syscall_event.h); these prove that staging keeps every record
 * and every count: a CPU that goes quiet is flushed by the consumer, and a sample larger than the
 * caller's batch is handed out over several polls.
 */
@RequiresBpf
class StagingTest {
    @ParameterizedTest(name = "hash fallback: {0}")
    @ValueSource(booleans = {false, true})
    void aQuietProcessesLastRecordsArriveWhileItIsStillRunning(boolean hashFallback) throws Exception {
        try (SyscallProbe probe = SyscallProbe.builder()
                .launch(List.of("sleep", "5"))
                .forceHashFallback(hashFallback)
                .open()) {
            Process sleep = probe.launched().orElseThrow().process();
            EventBatch batch = EventBatch.allocate(4096);
            long total = 0;
            long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < deadline) {
                probe.poll(batch, Duration.ofMillis(10));
                total += batch.size();
            }
            LossCounters loss = probe.lossCounters();

            assertTrue(sleep.isAlive(), "sleep 5 still runs: its CPU has been quiet for a while");
            assertTrue(total > 0, "sleep's start-up syscalls were delivered");
            // Nothing left staged on a CPU or in the ring: the consumer flushed the quiet CPU.
            assertEquals(0, loss.unread(), loss.toString());
            assertEquals(0, loss.dropped(), loss.toString());
            assertEquals(total, loss.recorded());
            assertEquals(total, loss.emitted(), "every record made was delivered: " + loss);
            assertTrue(loss.balanced(), loss.toString());
            sleep.destroy();
        }
    }

    @ParameterizedTest(name = "batch of {0} records")
    @ValueSource(ints = {1, 3, 17})
    void batchesSmallerThanAStagedSampleLoseNothing(int batchRecords) throws Exception {
        int n = 5_000;
        try (SyscallProbe probe = SyscallProbe.builder()
                .launch(List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + n))
                .open()) {
            Process dd = probe.launched().orElseThrow().process();
            Workloads.Tally tally = new Workloads.Tally();
            EventBatch batch = EventBatch.allocate(batchRecords);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dd.isAlive() && System.nanoTime() < deadline) {
                probe.poll(batch, Duration.ofMillis(1));
                assertTrue(batch.size() <= batchRecords);
                tally.add(batch);
            }
            dd.waitFor();
            while (probe.poll(batch, Duration.ZERO) > 0) {
                tally.add(batch);
            }
            LossCounters loss = probe.lossCounters();

            assertEquals(0, loss.dropped(), loss.toString());
            assertEquals(0, loss.unread(), loss.toString());
            assertEquals(tally.total, loss.emitted(), loss.toString());
            assertTrue(loss.balanced(), loss.toString());
            // dd makes N + 3 reads and writes here; a minimal system a few more (see PidNamespaceIT).
            assertTrue(tally.count("read") >= n && tally.count("read") <= n + 10, "reads: " + tally.count("read"));
            assertTrue(tally.count("write") >= n && tally.count("write") <= n + 10, "writes: " + tally.count("write"));
        }
    }
}
