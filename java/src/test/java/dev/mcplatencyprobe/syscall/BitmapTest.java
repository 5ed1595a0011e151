package dev.mcplatencyprobe.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel program's syscall bitmaps: bit nr % 64 of word nr / 64, for 0..511. */
class BitmapTest {
    @Test
    void numbersBecomeBitsOfTheirWord() {
        long[] words = Syscalls.bitmap(List.of(0, 63, 64, 511));
        assertEquals(Syscalls.MAX_FILTERABLE / 64, words.length);
        long[] expected = new long[8];
        expected[0] = 1L | 1L << 63;
        expected[1] = 1L;
        expected[7] = 1L << 63;
        assertArrayEquals(expected, words);
    }

    @Test
    void numbersOutsideTheFilterAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Syscalls.bitmap(List.of(512)));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.bitmap(List.of(-1)));
    }
}
