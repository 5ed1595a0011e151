package dev.mcpprobe.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A batch of completed syscalls, read in place from the buffer the shim filled:
 * no object per event. Index {@code i} runs from 0 to {@link #size()} - 1.
 *
 * <p>A batch is reused for the next poll: read it inside the callback that received it,
 * and copy out what must outlive it. Not thread-safe.
 */
public final class EventBatch {
    private final ByteBuffer buffer;
    private final int capacity;
    private int size;

    /** A batch with room for {@code capacity} records, in native (off-heap) memory. */
    public static EventBatch allocate(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be > 0, got " + capacity);
        }
        return new EventBatch(ByteBuffer.allocateDirect(capacity * RecordLayout.RECORD_BYTES), capacity);
    }

    private EventBatch(ByteBuffer buffer, int capacity) {
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
    }

    public int size() { return size; }
    public int capacity() { return capacity; }
    public boolean isEmpty() { return size == 0; }

    /** Completion time, {@code CLOCK_MONOTONIC} ns (same clock as {@link System#nanoTime()} on Linux). */
    public long endNs(int i) { return buffer.getLong(at(i) + RecordLayout.END_NS); }
    public long latencyNs(int i) { return buffer.getLong(at(i) + RecordLayout.LATENCY_NS); }
    /** The syscall's return value; negative values are {@code -errno}. */
    public long ret(int i) { return buffer.getLong(at(i) + RecordLayout.RET); }
    public int tgid(int i) { return buffer.getInt(at(i) + RecordLayout.TGID); }
    public int tid(int i) { return buffer.getInt(at(i) + RecordLayout.TID); }
    public int nr(int i) { return buffer.getInt(at(i) + RecordLayout.NR); }
    public int cpu(int i) { return buffer.getInt(at(i) + RecordLayout.CPU); }

    /** The native memory the shim writes into; for the binding. */
    public ByteBuffer buffer() { return buffer; }

    /** Sets how many records the last fill wrote; for the binding. */
    public void setSize(int size) {
        if (size < 0 || size > capacity) {
            throw new IllegalArgumentException("size " + size + " outside 0.." + capacity);
        }
        this.size = size;
    }

    public void clear() { size = 0; }

    /** Appends a record: for tests, benchmarks and replaying recorded data. Returns false when full. */
    public boolean add(long endNs, long latencyNs, long ret, int tgid, int tid, int nr) {
        if (size == capacity) {
            return false;
        }
        int base = size * RecordLayout.RECORD_BYTES;
        buffer.putLong(base + RecordLayout.END_NS, endNs);
        buffer.putLong(base + RecordLayout.LATENCY_NS, latencyNs);
        buffer.putLong(base + RecordLayout.RET, ret);
        buffer.putInt(base + RecordLayout.TGID, tgid);
        buffer.putInt(base + RecordLayout.TID, tid);
        buffer.putInt(base + RecordLayout.NR, nr);
        buffer.putInt(base + RecordLayout.CPU, 0);
        size++;
        return true;
    }

    private int at(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("record " + i + " of " + size);
        }
        return i * RecordLayout.RECORD_BYTES;
    }
}
