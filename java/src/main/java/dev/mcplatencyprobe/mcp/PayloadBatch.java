package dev.mcplatencyprobe.mcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The payload records of one poll, read in place from the buffer the shim filled. Walk them with
 * {@link #next()}; the accessors read the current record. Reused for the next poll; not thread-safe.
 */
public final class PayloadBatch {
    private final ByteBuffer buffer;
    private int count;
    private int index;
    private int at;  // the current record's first byte
    private int nextAt;

    /** A batch of {@code bytes} (at least one record of the largest size) in native memory. */
    public static PayloadBatch allocate(int bytes) {
        if (bytes < McpRecordLayout.ENTRY_MAX) {
            throw new IllegalArgumentException("payload batch must hold at least " + McpRecordLayout.ENTRY_MAX + " bytes");
        }
        return new PayloadBatch(ByteBuffer.allocateDirect(bytes));
    }

    private PayloadBatch(ByteBuffer buffer) {
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    public ByteBuffer buffer() { return buffer; }
    public int capacityBytes() { return buffer.capacity(); }
    public int size() { return count; }

    /** Sets how many records the last fill wrote and rewinds to before the first; for the binding. */
    public void reset(int records) {
        count = records;
        index = 0;
        nextAt = 0;
        at = -1;
    }

    /** Moves to the next record; false when there is none. */
    public boolean next() {
        if (index >= count) {
            return false;
        }
        int size = buffer.getInt(nextAt);
        int headLen = Short.toUnsignedInt(buffer.getShort(nextAt + McpRecordLayout.ENTRY_HEADER + McpRecordLayout.HEAD_LEN));
        int tailLen = Short.toUnsignedInt(buffer.getShort(nextAt + McpRecordLayout.ENTRY_HEADER + McpRecordLayout.TAIL_LEN));
        if (size != McpRecordLayout.HEADER_BYTES + headLen + tailLen || headLen > McpRecordLayout.HEAD_BYTES
                || tailLen > McpRecordLayout.TAIL_BYTES) {
            throw new IllegalStateException("payload record " + index + " is malformed: the shim and the decoder disagree");
        }
        at = nextAt + McpRecordLayout.ENTRY_HEADER;
        nextAt += (McpRecordLayout.ENTRY_HEADER + size + 7) & ~7;
        index++;
        return true;
    }

    public long tsNs() { return buffer.getLong(at + McpRecordLayout.TS_NS); }
    public long len() { return buffer.getLong(at + McpRecordLayout.LEN); }
    public int tgid() { return buffer.getInt(at + McpRecordLayout.TGID); }
    public int tid() { return buffer.getInt(at + McpRecordLayout.TID); }
    public int fd() { return buffer.getInt(at + McpRecordLayout.FD); }
    public int nr() { return buffer.getInt(at + McpRecordLayout.NR); }
    public int headLen() { return Short.toUnsignedInt(buffer.getShort(at + McpRecordLayout.HEAD_LEN)); }
    public int tailLen() { return Short.toUnsignedInt(buffer.getShort(at + McpRecordLayout.TAIL_LEN)); }
    public int dir() { return Byte.toUnsignedInt(buffer.get(at + McpRecordLayout.DIR)); }
    public int fdKind() { return Byte.toUnsignedInt(buffer.get(at + McpRecordLayout.FD_KIND)); }
    public int flags() { return Byte.toUnsignedInt(buffer.get(at + McpRecordLayout.FLAGS)); }

    /** Copies the head and then the tail bytes into {@code into} (room for HEAD_BYTES + TAIL_BYTES). */
    public void copyData(byte[] into) {
        buffer.get(at + McpRecordLayout.HEADER_BYTES, into, 0, headLen() + tailLen());
    }
}
