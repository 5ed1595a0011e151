package dev.mcplatencyprobe.decode;

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
    /** A record is this many 8-byte words in {@link #copyWords}. */
    public static final int WORDS_PER_RECORD = RecordLayout.RECORD_BYTES / Long.BYTES;

    static {
        if (RecordLayout.RECORD_BYTES % Long.BYTES != 0) {
            throw new AssertionError("copyWords reads records as 8-byte words");
        }
    }

    /** The most records a batch holds: 1M records (48 MiB), far more than one poll can drain usefully. */
    public static final int MAX_CAPACITY = 1 << 20;

    private final ByteBuffer buffer;
    private final LongBuffer words;
    private final int capacity;
    private int size;

    /** A batch with room for {@code capacity} (1..{@link #MAX_CAPACITY}) records, in native (off-heap) memory. */
    public static EventBatch allocate(int capacity) {
        if (capacity <= 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("batch capacity must be 1.." + MAX_CAPACITY + " records, got " + capacity);
        }
        // The native buffer's size is the shim's only bound: never let the product wrap.
        return new EventBatch(ByteBuffer.allocateDirect(Math.multiplyExact(capacity, RecordLayout.RECORD_BYTES)), capacity);
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

    /**
     * Copies the records, as little-endian 8-byte words, into {@code words} (room for at least
     * {@code size() * WORDS_PER_RECORD}) and returns {@link #size()}; read them with
     * {@link #endNs(long[], int)} and its siblings. For a consumer that reads the whole batch: one
     * bulk move, then plain array reads, costs less than the per-field checks of the indexed getters.
     */
    public int copyWords(long[] words) {
        this.words.get(0, words, 0, size * WORDS_PER_RECORD);
        return size;
    }

    public static long endNs(long[] words, int i) { return words[i * WORDS_PER_RECORD + RecordLayout.END_NS / 8]; }
    public static long latencyNs(long[] words, int i) { return words[i * WORDS_PER_RECORD + RecordLayout.LATENCY_NS / 8]; }
    public static long ret(long[] words, int i) { return words[i * WORDS_PER_RECORD + RecordLayout.RET / 8]; }
    public static int tgid(long[] words, int i) { return int32(words, i, RecordLayout.TGID); }
    public static int nr(long[] words, int i) { return int32(words, i, RecordLayout.NR); }

    /** The 32-bit field at byte {@code offset} of record {@code i}. */
    private static int int32(long[] words, int i, int offset) {
        return (int) (words[i * WORDS_PER_RECORD + offset / 8] >>> (offset % 8 * 8));
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
