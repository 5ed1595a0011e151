package dev.mcplatencyprobe.mcp;

/**
 * Byte offsets of {@code struct mcp_payload_event} (bpf-src/mcp_payload.h), the --mcp payload
 * record. A test checks them against the shim's {@code offsetof()} values, so they cannot drift.
 */
public final class McpRecordLayout {
    public static final int HEADER_BYTES = 40;
    public static final int TS_NS = 0;
    public static final int LEN = 8;
    public static final int TGID = 16;
    public static final int TID = 20;
    public static final int FD = 24;
    public static final int NR = 28;
    public static final int HEAD_LEN = 32;
    public static final int TAIL_LEN = 34;
    public static final int DIR = 36;
    public static final int FD_KIND = 37;
    public static final int FLAGS = 38;
    /** The most bytes copied from the start and from the end of one read or write. */
    public static final int HEAD_BYTES = 512;
    public static final int TAIL_BYTES = 128;

    public static final int DIR_READ = 1;
    public static final int DIR_WRITE = 2;
    public static final int FD_PIPE = 1;
    public static final int FD_SOCKET = 2;
    public static final int FLAG_LEN_UNKNOWN = 0x1;

    /** Batch entries: a 4-byte size, 4 bytes of padding, the record, padding to 8 (mlp_poll_mcp). */
    static final int ENTRY_HEADER = 8;
    public static final int ENTRY_MAX = (ENTRY_HEADER + HEADER_BYTES + HEAD_BYTES + TAIL_BYTES + 7) & ~7;

    /** In the order the shim's {@code mlp_mcp_record_layout()} reports them. */
    public static int[] layout() {
        return new int[] {HEADER_BYTES, TS_NS, LEN, TGID, TID, FD, NR,
            HEAD_LEN, TAIL_LEN, DIR, FD_KIND, FLAGS, HEAD_BYTES, TAIL_BYTES};
    }

    private McpRecordLayout() {}
}
