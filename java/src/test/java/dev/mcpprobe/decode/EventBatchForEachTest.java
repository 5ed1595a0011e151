package dev.mcpprobe.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchForEachTest {

    @Test
    void forEachReadsWhatTheGettersRead() {
        EventBatch batch = EventBatch.allocate(8);
        batch.add(1, 2, -3, 4, 5, 6);
        batch.add(Long.MAX_VALUE, Long.MIN_VALUE, -1, -7, Integer.MAX_VALUE, Integer.MIN_VALUE);
        batch.add(0x1122334455667788L, 42, 0, 0x7fff_0001, 9, 335);
        List<String> seen = new ArrayList<>();
        batch.forEach((endNs, latencyNs, ret, tgid, nr) -> seen.add(endNs + " " + latencyNs + " " + ret + " " + tgid + " " + nr));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            expected.add(batch.endNs(i) + " " + batch.latencyNs(i) + " " + batch.ret(i) + " " + batch.tgid(i) + " " + batch.nr(i));
        }
        assertEquals(expected, seen);
        assertEquals("-9223372036854775808", seen.get(1).split(" ")[1]);
    }

    @Test
    void forEachSeesOnlyTheCurrentFill() {
        EventBatch batch = EventBatch.allocate(4);
        batch.add(1, 1, 0, 1, 1, 1);
        batch.add(2, 2, 0, 2, 2, 2);
        batch.clear();
        batch.add(3, 3, 0, 3, 3, 3);
        List<Long> ends = new ArrayList<>();
        batch.forEach((endNs, latencyNs, ret, tgid, nr) -> ends.add(endNs));
        assertEquals(List.of(3L), ends);
    }
}
