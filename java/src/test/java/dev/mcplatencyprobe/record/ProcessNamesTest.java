package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The name cache stays bounded however many processes appear, and the consumer never reads /proc. */
class ProcessNamesTest {
    @Test
    void keepsAtMostItsCapacityLeastRecentlyUsedOut() throws Exception {
        List<Process> sleepers = new ArrayList<>();
        try (ProcessNames names = new ProcessNames(3)) {
            for (int i = 0; i < 6; i++) {
                sleepers.add(new ProcessBuilder("sleep", "30").start());
            }
            EventBatch batch = EventBatch.allocate(16);
            for (Process p : sleepers) {
                batch.add(1, 1, 0, (int) p.pid(), (int) p.pid(), 0);
            }
            // Plenty of PIDs that do not exist: looked up off this thread, never kept.
            for (int tgid = 4_000_000; tgid < 4_000_008; tgid++) {
                batch.add(1, 1, 0, tgid, tgid, 0);
            }
            long before = System.nanoTime();
            names.see(batch);
            assertTrue(System.nanoTime() - before < 50_000_000L, "see() only queues");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (names.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertEquals(3, names.size());
            // Asked for by a report, an evicted live process is looked up again, and the cache stays at 3.
            assertEquals("sleep", names.name((int) sleepers.get(0).pid()));
            assertEquals(3, names.size());
            assertNotNull(names.label((int) sleepers.get(1).pid()));
        } finally {
            sleepers.forEach(Process::destroy);
        }
    }

    @Test
    void startTimeTellsAReusedPidApart() {
        long self = ProcessHandle.current().pid();
        assertTrue(ProcessNames.startTicks((int) self) > 0);
        assertEquals(-1, ProcessNames.startTicks(Integer.MAX_VALUE));
    }
}
