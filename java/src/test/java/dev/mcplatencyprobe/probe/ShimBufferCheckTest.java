package dev.mcplatencyprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcplatencyprobe.binding.Shim;
import dev.mcplatencyprobe.decode.RecordLayout;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shim never writes past the buffer it is given, whatever record count it is told. */
@RequiresBpf
class ShimBufferCheckTest {
    @Test
    void aCapacityLargerThanTheBufferIsRefused() throws Exception {
        try (SyscallProbe probe = SyscallProbe.builder().launch(List.of("true")).open()) {
            Field field = SyscallProbe.class.getDeclaredField("handle");
            field.setAccessible(true);
            int handle = field.getInt(probe);
            ByteBuffer small = ByteBuffer.allocateDirect(4 * RecordLayout.RECORD_BYTES);
            assertEquals(-22, Shim.mlp_poll(handle, small, small.capacity(), 1 << 20, 0), "EINVAL, nothing written");
            assertEquals(-22, Shim.mlp_poll(handle, small, -1, 1, 0));
            assertEquals(-22, Shim.mlp_poll(handle, small, small.capacity(), 5, 0));
            int n = Shim.mlp_poll(handle, small, small.capacity(), 4, 10);
            assertEquals(true, n >= 0 && n <= 4, "a fitting capacity works: " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> SyscallProbe.builder().batchRecords(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> SyscallProbe.builder().ringBufferBytes(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> SyscallProbe.builder().pollInterval(Duration.ofDays(365)));
    }
}
