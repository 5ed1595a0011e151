package dev.mcplatencyprobe.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchWordsTest {

    @Test
    void wordsReadWhatTheGettersRead() {
        EventBatch batch = EventBatch.allocate(8);
        batch.add(1, 2, -3, 4, 5, 6);
        batch.add(Long.MAX_VALUE, Long.MIN_VALUE, -1, -7, Integer.MAX_VALUE, Integer.MIN_VALUE);
        batch.add(0x1122334455667788L, 42, 0, 0x7fff_0001, 9, 335);
        long[] words = new long[batch.capacity() * EventBatch.WORDS_PER_RECORD];
        int size = batch.copyWords(words);
        assertEquals(3, size);
        List<String> fromWords = new ArrayList<>();
        List<String> fromGetters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            fromWords.add(EventBatch.endNs(words, i) + " " + EventBatch.latencyNs(words, i) + " "
                    + EventBatch.ret(words, i) + " " + EventBatch.tgid(words, i) + " " + EventBatch.nr(words, i));
            fromGetters.add(batch.endNs(i) + " " + batch.latencyNs(i) + " " + batch.ret(i) + " "
                    + batch.tgid(i) + " " + batch.nr(i));
        }
        assertEquals(fromGetters, fromWords);
        assertEquals(Integer.MIN_VALUE, EventBatch.nr(words, 1));
        assertEquals(-7, EventBatch.tgid(words, 1));
    }

    @Test
    void copyWordsCopiesOnlyTheCurrentFill() {
        EventBatch batch = EventBatch.allocate(4);
        batch.add(1, 1, 0, 1, 1, 1);
        batch.add(2, 2, 0, 2, 2, 2);
        batch.clear();
        batch.add(3, 3, 0, 3, 3, 3);
        long[] words = new long[4 * EventBatch.WORDS_PER_RECORD];
        words[EventBatch.WORDS_PER_RECORD] = -99;
        assertEquals(1, batch.copyWords(words));
        assertEquals(3, EventBatch.endNs(words, 0));
        assertEquals(-99, words[EventBatch.WORDS_PER_RECORD], "nothing past the fill is written");
    }
}
