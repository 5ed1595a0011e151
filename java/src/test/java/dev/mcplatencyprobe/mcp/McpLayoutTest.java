package dev.mcplatencyprobe.mcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcplatencyprobe.binding.Shim;
import org.junit.jupiter.api.Test;

/** The payload decoder reads the record at the offsets bpf-src/mcp_payload.h puts its fields. */
class McpLayoutTest {
    @Test
    void payloadDecoderOffsetsMatchTheSharedHeader() {
        Shim.load();
        int[] expected = McpRecordLayout.layout();
        int[] offsets = new int[expected.length];
        assertEquals(expected.length, Shim.mlp_mcp_record_layout(offsets, offsets.length));
        assertArrayEquals(expected, offsets);
        assertEquals(McpRecordLayout.HEADER_BYTES + McpRecordLayout.HEAD_BYTES + McpRecordLayout.TAIL_BYTES,
                Shim.mlp_mcp_record_max());
        assertEquals(4, Shim.mlp_mcp_counter_count());
    }
}
