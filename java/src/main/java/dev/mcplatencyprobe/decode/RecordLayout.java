package dev.mcplatencyprobe.decode;

/**
 * Byte offsets of {@code struct syscall_event} (bpf-src/syscall_event.h).
 * Tests check them against the header itself (NativeHeadersTest, at build time) and against the
 * shim's {@code offsetof()} values (ShimLayoutTest), so they cannot drift.
 */
public final class RecordLayout {
    public static final int RECORD_BYTES = 40;
    public static final int END_NS = 0;
    public static final int LATENCY_NS = 8;
    public static final int RET = 16;
    public static final int TGID = 24;
    public static final int TID = 28;
    public static final int NR = 32;
    /** {@code MLP_STAGE_RECORDS}: records go to the ring this many at a time, in one sample. */
    public static final int STAGE_RECORDS = 16;
    /** The ring's header before each sample. */
    public static final int SAMPLE_HEADER_BYTES = 8;

    /** In the order the shim's {@code mlp_record_layout()} reports them. */
    public static int[] offsets() {
        return new int[] {END_NS, LATENCY_NS, RET, TGID, TID, NR};
    }

    private RecordLayout() {}
}
