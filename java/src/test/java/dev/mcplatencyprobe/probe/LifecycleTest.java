package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A probe that is closed, misused or killed leaves nothing attached and never crashes the JVM. */
@RequiresBpf
class LifecycleTest {
    @Test
    void closeUnloadsEveryProgram() throws Exception {
        Set<Integer> ours;
        try (SyscallProbe probe = SyscallProbe.builder().pid(ProcessHandle.current().pid()).open()) {
            ours = LoadedPrograms.heldBy(ProcessHandle.current().pid());
            assertEquals(probe.programCount(), ours.size(), "programs loaded: " + ours);
        }
        assertEquals(Set.of(), LoadedPrograms.awaitGone(ours), "still loaded after close()");
    }

    @Test
    void aKilledJvmLeavesNoProgramLoaded() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                HoldProbe.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("attached", line, "the holder JVM did not attach");
            Set<Integer> ours = LoadedPrograms.heldBy(holder.pid());
            assertFalse(ours.isEmpty(), "the holder's programs are loaded");

            holder.destroyForcibly(); // SIGKILL: no close(), no shutdown hooks
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(Set.of(), LoadedPrograms.awaitGone(ours), "still loaded after SIGKILL");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void closingTwiceAndUsingAfterCloseAreErrorsNotCrashes() {
        SyscallProbe probe = SyscallProbe.builder().pid(ProcessHandle.current().pid()).open();
        probe.close();
        probe.close();
        EventBatch batch = EventBatch.allocate(16);
        ProbeException e = assertThrows(ProbeException.class, () -> probe.poll(batch, Duration.ZERO));
        assertEquals(ProbeException.Kind.CLOSED, e.kind());
        assertThrows(ProbeException.class, probe::lossCounters);
        assertThrows(ProbeException.class, () -> probe.addPid(ProcessHandle.current().pid()));
    }

    @Test
    void closeFromAnotherThreadWhilePollingNeverCrashes() throws Exception {
        for (int round = 0; round < 30; round++) {
            SyscallProbe probe = SyscallProbe.builder().pid(ProcessHandle.current().pid()).open();
            int timeoutMs = round % 2 == 0 ? 1000 : 1;
            CountDownLatch polling = new CountDownLatch(1);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread poller = new Thread(() -> {
                EventBatch batch = EventBatch.allocate(64);
                try {
                    while (true) {
                        polling.countDown();
                        probe.poll(batch, Duration.ofMillis(timeoutMs));
                    }
                } catch (ProbeException e) {
                    if (e.kind() != ProbeException.Kind.CLOSED) {
                        unexpected.set(e);
                    }
                } catch (Throwable t) {
                    unexpected.set(t);
                }
            });
            poller.start();
            polling.await();
            Thread.sleep(round % 5);
            long start = System.nanoTime();
            probe.close();
            poller.join(5000);
            assertFalse(poller.isAlive(), "the poller is stuck after close()");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "close waited for the poll timeout");
            assertEquals(null, unexpected.get());
        }
    }

    @Test
    void theConsumerThreadDeliversBatchesAndStopsOnClose() throws Exception {
        AtomicLong records = new AtomicLong();
        AtomicLong polls = new AtomicLong();
        SyscallProbe probe = SyscallProbe.builder()
                .launch(List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=5000"))
                .open();
        probe.start((batch, nowNs) -> {
            records.addAndGet(batch.size());
            polls.incrementAndGet();
        });
        assertEquals(0, probe.launched().orElseThrow().waitFor());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (records.get() < probe.lossCounters().emitted() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(probe.lossCounters().emitted(), records.get());
        assertThrows(IllegalStateException.class, () -> probe.poll(EventBatch.allocate(1), Duration.ZERO));
        probe.close();
        assertTrue(polls.get() > 1);
        assertTrue(probe.consumerFailure().isEmpty());
    }

    /** Opens a probe, says so, and waits to be killed. */
    public static final class HoldProbe {
        public static void main(String[] args) throws Exception {
            SyscallProbe probe = SyscallProbe.builder().pid(ProcessHandle.current().pid()).open();
            System.out.println("attached");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            probe.close();
        }
    }
}
