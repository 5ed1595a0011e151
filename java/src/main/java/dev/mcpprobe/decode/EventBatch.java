package dev.mcpprobe.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * A batch of completed syscalls, read in place from the buffer the shim filled:
 * no object per event. Index {@code i} runs from 0 to {@link #size()} - 1.
 *
 * <p>A batch is reused for the next poll: read it inside the callback that received it,
 * and copy out what must outlive it. Not thread-safe.
 */
public final class EventBatch {
    /** Receives the fields of one record, see {@link #forEach}. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(long endNs, long latencyNs, long ret, int tgid, int nr);
    }

    private static final int WORDS_PER_RECORD = RecordLayout.RECORD_BYTES / Long.BYTES;

    static {
        if (RecordLayout.RECORD_BYTES % Long.BYTES != 0) {
            throw new AssertionError("forEach reads records as 8-byte words");
        }
    }

    private final ByteBuffer buffer;
    private final LongBuffer words;
    private final int capacity;
    private int size;
    /** Heap copy of the records for {@link #forEach}; made on first use. */
    private long[] wordsCopy;

    /** A batch with room for {@code capacity} records, in native (off-heap) memory. */
    public static EventBatch allocate(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be > 0, got " + capacity);
        }
        return new EventBatch(ByteBuffer.allocateDirect(capacity * RecordLayout.RECORD_BYTES), capacity);
    }

    private EventBatch(ByteBuffer buffer, int capacity) {
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.words = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
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

    /**
     * Hands every record to {@code sink}, in order: what a consumer that reads the whole batch
     * should use. The records are copied to the heap in one bulk move and then read as words,
     * which costs less than the per-field checks of the indexed getters.
     */
    public void forEach(RecordSink sink) {
        if (wordsCopy == null) {
            wordsCopy = new long[capacity * WORDS_PER_RECORD];
        }
        long[] w = wordsCopy;
        int n = size;
        words.get(0, w, 0, n * WORDS_PER_RECORD);
        for (int i = 0, at = 0; i < n; i++, at += WORDS_PER_RECORD) {
            sink.accept(w[at + RecordLayout.END_NS / 8], w[at + RecordLayout.LATENCY_NS / 8],
                    w[at + RecordLayout.RET / 8], int32(w, at, RecordLayout.TGID), int32(w, at, RecordLayout.NR));
        }
    }

    /** The 32-bit field at byte {@code offset} of the record at word {@code at} (little-endian words). */
    private static int int32(long[] w, int at, int offset) {
        return (int) (w[at + offset / 8] >>> (offset % 8 * 8));
    }

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
