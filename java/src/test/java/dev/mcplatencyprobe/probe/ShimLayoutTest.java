package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcplatencyprobe.binding.Shim;
import dev.mcplatencyprobe.decode.RecordLayout;
import org.junit.jupiter.api.Test;

/** The Java decoder reads the record at the offsets the C header puts its fields. */
class ShimLayoutTest {
    @Test
    void decoderOffsetsMatchTheSharedHeader() {
        Shim.load();
        assertEquals(RecordLayout.RECORD_BYTES, Shim.mlp_record_size());
        int[] offsets = new int[RecordLayout.offsets().length];
        assertEquals(offsets.length, Shim.mlp_record_layout(offsets, offsets.length));
        assertArrayEquals(RecordLayout.offsets(), offsets);
    }

    @Test
    void aStaleHandleIsRejectedWithoutTouchingMemory() {
        Shim.load();
        assertEquals(-9, Shim.mlp_attach(12345)); // -EBADF
        assertEquals(-9, Shim.mlp_poll(-1, null, 0, 0, 0));
        assertEquals(0, Shim.mlp_close(12345));
    }
}
