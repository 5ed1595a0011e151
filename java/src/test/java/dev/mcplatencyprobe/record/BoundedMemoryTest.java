package dev.mcplatencyprobe.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever numbers and rates a traced process chooses, the recorder's memory stays bounded and every call counted. */
class BoundedMemoryTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long START_NS = 1_000 * SECOND_NS;

    private static LatencyRecorder recorder() {
        return new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(SECOND_NS), START_NS);
    }

    @Test
    void syscallNumbersOutsideTheTableAreOneUnknownRowWithTheirExactCount() {
        LatencyRecorder recorder = recorder();
        int tableSize = Syscalls.forCurrentArch().tableSize();
        long unknown = 0;
        for (int round = 0; round < 3; round++) {
            for (int nr = 512; nr <= 65535; nr++) {
                recorder.record(START_NS + 10, 1_000, -38, 42, nr);
                unknown++;
            }
            recorder.record(START_NS + 10, 1_000, -38, 42, Integer.MAX_VALUE);
            recorder.record(START_NS + 10, 1_000, -38, 42, -5);
            recorder.record(START_NS + 10, 1_000, -38, 42, 0x40000000); // an x32 number
            unknown += 3;
        }
        recorder.record(START_NS + 10, 1_000, 0, 42, 0);
        LatencySnapshot whole = recorder.finish(START_NS + 20, LossCounters.ZERO);
        List<SyscallLatency> rows = whole.syscalls();
        assertEquals(2, rows.size(), rows.toString());
        SyscallLatency row = rows.stream().filter(s -> s.name().equals("unknown")).findFirst().orElseThrow();
        assertEquals(unknown, row.latency().count());
        assertEquals(unknown + 1, whole.total().count());
        assertTrue(tableSize <= Syscalls.MAX_FILTERABLE, "the table bounds the per-syscall rows: " + tableSize);
    }

    @Test
    void closedWindowsAreBoundedWhenNobodyRotatesAndNoCallIsLost() {
        LatencyRecorder recorder = recorder();
        int windows = 200;
        for (int w = 0; w < windows; w++) {
            recorder.record(START_NS + w * SECOND_NS + 5, 1_000, 0, 7, 0);
        }
        List<LatencySnapshot> reported = recorder.rotateIfDue(START_NS + windows * SECOND_NS + 1, LossCounters.ZERO);
        assertTrue(reported.size() <= LatencyRecorder.MAX_CLOSED_WINDOWS, reported.size() + " windows held");
        assertEquals(windows, reported.stream().mapToLong(s -> s.total().count()).sum());
        assertEquals(START_NS, reported.get(0).windowStartNs(), "the merged windows keep their real span");
        assertEquals(START_NS + windows * SECOND_NS, reported.get(reported.size() - 1).windowEndNs());
        assertEquals(windows, recorder.recordedCount());
    }

    @Test
    void theProcessTableHasADocumentedBoundAndAnOtherRow() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withMaxProcesses(4), START_NS);
        for (int tgid = 1; tgid <= 1000; tgid++) {
            recorder.record(START_NS + 1, 1_000, 0, tgid, 0);
        }
        LatencySnapshot whole = recorder.finish(START_NS + 2, LossCounters.ZERO);
        assertEquals(5, whole.processes().size(), "4 processes and the other row");
        assertEquals(1000, whole.processes().stream().mapToLong(p -> p.latency().count()).sum());
    }

    @Test
    void capacitiesAndIntervalsOutsideTheirLimitsAreRejected() {
        LatencyRecorder.Config defaults = LatencyRecorder.Config.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withIntervalNs(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIntervalNs(LatencyRecorder.Config.MAX_INTERVAL_NS + 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIntervalNs(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> defaults.withThresholdNs(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxProcesses(LatencyRecorder.Config.MAX_PROCESSES + 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxProcesses(Integer.MAX_VALUE));
        // 48-byte records: Integer.MAX_VALUE / 48 + 1 would wrap to a tiny buffer without the checks.
        assertThrows(IllegalArgumentException.class, () -> EventBatch.allocate(Integer.MAX_VALUE / 48 + 1));
        assertThrows(IllegalArgumentException.class, () -> EventBatch.allocate(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> EventBatch.allocate(EventBatch.MAX_CAPACITY + 1));
        assertThrows(IllegalArgumentException.class, () -> EventBatch.allocate(0));
    }
}
