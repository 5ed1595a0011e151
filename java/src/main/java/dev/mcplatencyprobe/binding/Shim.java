package dev.mcplatencyprobe.binding;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.ByteBuffer;

/**
 * The shim's C ABI (native/src/main/include/mlp_shim.h), bound by JNA direct mapping:
 * one native call per batch, no callbacks into Java. Functions return {@code >= 0}
 * or {@code -errno}; {@link #mlp_last_error()} then explains, on the same thread.
 *
 * <p>The constants are the C headers' (mlp_shim.h, bpf-src/syscall_event.h): NativeHeadersTest
 * reads those headers and fails the build when one here differs.
 */
public final class Shim {
    public static final int ABI_VERSION = 3;
    public static final int OPEN_FOLLOW_CHILDREN = 0x1;
    public static final int OPEN_TRACE_ALL = 0x2;
    public static final int OPEN_FORCE_HASH = 0x4;
    public static final int OPEN_MCP = 0x8;
    public static final int MODE_TASK_STORAGE = 1;
    public static final int MODE_TID_HASH = 2;

    /** Indices into {@link #mlp_read_counters}'s output ({@code enum mlp_counter}). */
    public static final int COUNTER_EMITTED = 0;
    public static final int COUNTER_DROPPED = 1;
    public static final int COUNTER_ORPHAN_EXITS = 2;
    public static final int COUNTER_STATE_FAILURES = 3;
    /** {@code MLP_COUNTER_COUNT}; {@link #mlp_read_counters} puts the records not yet read at this index. */
    public static final int COUNTER_COUNT = 4;
    /** {@code MLP_COMM_LEN}: a command name's bytes in the kernel, the terminating NUL included. */
    public static final int COMM_LEN = 16;

    private static final String LIBRARY = "mcp-latency-probe";
    private static volatile boolean loaded;
    private static NativeLoadException failure;

    private Shim() {}

    /**
     * Loads the shim embedded in the jar (linux-x86-64/libmcp-latency-probe.so) once.
     *
     * @throws NativeLoadException when it cannot be loaded, with what to install
     */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        if (failure != null) {
            throw failure; // the same explanation on every attempt, also after a failed preload()
        }
        try {
            loadOnce();
        } catch (NativeLoadException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Starts {@link #load()} on a daemon thread, so JNA's start-up overlaps the caller's own (parsing
     * options, resolving targets); a failure is kept for the next {@link #load()} to throw.
     */
    public static void preload() {
        // Not a lambda: the first lambda of a JVM costs ~20 ms of java.lang.invoke set-up, which
        // this thread would otherwise pay (or wait for) before it starts.
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    load();
                } catch (RuntimeException | Error kept) {
                    // load() throws it again to whoever needs the shim.
                }
            }
        }, "mlp-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void loadOnce() {
        java.nio.file.Path placed;
        try {
            placed = NativeCache.placeForJna();
        } catch (java.io.UncheckedIOException e) {
            throw new NativeLoadException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
        try {
            if (StartupMarks.enabled() && Native.POINTER_SIZE > 0) { // JNA's own set-up, timed apart from the dlopen
                StartupMarks.mark("jna_initialised");
            }
            NativeLibrary library = NativeLibrary.getInstance(placed != null ? placed.toString() : LIBRARY,
                    Shim.class.getClassLoader());
            StartupMarks.mark("shim_dlopened");
            Native.register(Shim.class, library);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw NativeLoadException.explain(e);
        }
        StartupMarks.mark("shim_registered");
        int abi = mlp_abi_version();
        if (abi != ABI_VERSION) {
            throw new NativeLoadException("native shim ABI " + abi + " does not match the Java binding's "
                    + ABI_VERSION + ": the jar is mixed from two builds; rebuild with 'make'", null);
        }
        loaded = true;
    }

    public static native int mlp_abi_version();
    public static native int mlp_record_size();
    public static native int mlp_record_layout(int[] offsets, int capacity);
    public static native int mlp_counter_count();

    public static native int mlp_open(int ringBytes, int flags, int excludeTgid);
    public static native int mlp_attach(int handle);
    public static native int mlp_kernel_mode(int handle);
    public static native int mlp_program_count(int handle);

    public static native int mlp_add_tgid(int handle, int tgid);
    public static native int mlp_remove_tgid(int handle, int tgid);
    public static native int mlp_add_cgroup(int handle, long cgroupId);
    public static native int mlp_remove_cgroup(int handle, long cgroupId);
    public static native int mlp_add_comm(int handle, String comm);
    public static native int mlp_remove_comm(int handle, String comm);
    public static native int mlp_set_syscall_filter(int handle, long[] mask, int words);

    /**
     * {@code buffer} must be direct and {@code bufferBytes} its size, which the shim checks against
     * {@code capacity} records; returns the records copied into it or {@code -errno}.
     */
    public static native int mlp_poll(int handle, ByteBuffer buffer, long bufferBytes, int capacity, int timeoutMs);
    public static native int mlp_read_counters(int handle, long[] out, int capacity);
    public static native int mlp_close(int handle);

    // --mcp (mlp_shim.h): the payload ring
    public static native int mlp_mcp_record_max();
    public static native int mlp_mcp_counter_count();
    public static native int mlp_mcp_record_layout(int[] offsets, int capacity);
    /** {@code buffer} must be direct; never waits; returns the records copied or {@code -errno}. */
    public static native int mlp_poll_mcp(int handle, ByteBuffer buffer, int capacityBytes);
    public static native int mlp_read_mcp_counters(int handle, long[] out, int capacity);

    public static native String mlp_last_error();
    public static native void mlp_set_verbose(int on);
}
