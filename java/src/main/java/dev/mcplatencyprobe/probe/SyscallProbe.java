package dev.mcplatencyprobe.probe;

import dev.mcplatencyprobe.binding.NativeLoadException;
import dev.mcplatencyprobe.binding.Shim;
import dev.mcplatencyprobe.binding.StartupMarks;
import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.decode.RecordLayout;
import dev.mcplatencyprobe.mcp.McpRecordLayout;
import dev.mcplatencyprobe.mcp.PayloadBatch;
import dev.mcplatencyprobe.mcp.PayloadListener;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.syscall.Syscalls;
import dev.mcplatencyprobe.targets.CgroupWatch;
import dev.mcplatencyprobe.targets.Cgroups;
import dev.mcplatencyprobe.targets.InvokingUser;
import dev.mcplatencyprobe.targets.LaunchedCommand;
import dev.mcplatencyprobe.targets.ProcessScan;
import dev.mcplatencyprobe.targets.SystemdUnits;
import dev.mcplatencyprobe.targets.TargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A loaded and attached syscall-latency probe: the kernel program times every syscall of the
 * targets and this object hands the records over in batches.
 *
 * <pre>{@code
 * try (SyscallProbe probe = SyscallProbe.builder().pid(1234).followChildren(true).open()) {
 *     EventBatch batch = EventBatch.allocate(4096);
 *     while (running) {
 *         probe.poll(batch, Duration.ofMillis(10));
 *         for (int i = 0; i < batch.size(); i++) record(batch.nr(i), batch.latencyNs(i));
 *     }
 * }
 * }</pre>
 *
 * <p>Records are consumed by one thread: either the caller's, through {@link #poll}, or the
 * probe's own, through {@link #start}. Targets may be added and removed from any thread while it
 * runs. {@link #close()} is idempotent, may be called from any thread, and detaches everything;
 * if the JVM dies instead, the kernel detaches the programs with the process's file descriptors.
 */
public final class SyscallProbe implements AutoCloseable {
    public static final int DEFAULT_RING_BYTES = 8 << 20;
    /** A page: the smallest BPF ring buffer. */
    public static final int MIN_RING_BYTES = 4096;
    /** The kernel's limit for a BPF ring buffer is larger; a consumer cannot drain more in time anyway. */
    public static final int MAX_RING_BYTES = 1 << 30;
    public static final int DEFAULT_BATCH_RECORDS = 4096;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(10);
    /** A consumer that sleeps longer than this between drains lets any ring overflow under load. */
    public static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(10);
    /** --mcp: payload records copied per poll, at most (each up to McpRecordLayout.ENTRY_MAX bytes). */
    private static final int PAYLOAD_BATCH_BYTES = 1 << 20;

    private final int handle;
    private final Builder spec;
    private volatile LaunchedCommand launched;
    private final CgroupWatch cgroups = new CgroupWatch(new CgroupWatch.Filter() {
        @Override
        public void addCgroup(Path dir, long id) {
            check(Shim.mlp_add_cgroup(handle, id), "adding cgroup " + dir);
        }

        @Override
        public void removeCgroup(Path dir, long id) {
            check(Shim.mlp_remove_cgroup(handle, id), "removing cgroup " + dir);
        }

        @Override
        public void addProcess(long pid) {
            traceProcess(pid);
        }
    });
    private final Object lifecycle = new Object();
    private final Set<Long> explicitPids = ConcurrentHashMap.newKeySet();
    private final long selfPid = ProcessHandle.current().pid();
    private volatile boolean closed;
    private volatile long delivered;
    private volatile Throwable consumerFailure;
    private Thread consumer;

    private SyscallProbe(int handle, Builder spec) {
        this.handle = handle;
        this.spec = spec;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ring-size rule: a power of two from {@link #MIN_RING_BYTES} to {@link #MAX_RING_BYTES}. */
    public static boolean isValidRingBytes(long bytes) {
        return bytes >= MIN_RING_BYTES && bytes <= MAX_RING_BYTES && Long.bitCount(bytes) == 1;
    }

    /**
     * Copies the records pending now (or arriving within {@code timeout} if none are) into
     * {@code batch}, replacing its contents; returns how many.
     */
    public int poll(EventBatch batch, Duration timeout) {
        synchronized (lifecycle) {
            if (consumer != null && Thread.currentThread() != consumer) {
                throw new IllegalStateException("this probe's records go to the listener given to start()");
            }
        }
        return pollInto(batch, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    private int pollInto(EventBatch batch, int timeoutMs) {
        ensureOpen();
        int n = Shim.mlp_poll(handle, batch.buffer(), batch.buffer().capacity(), batch.capacity(), timeoutMs);
        if (n < 0) {
            batch.clear();
            ensureOpen(); // closed while polling
            throw failure(n, "reading records");
        }
        batch.setSize(n);
        delivered += n; // single consumer: a volatile write per batch, not per record
        cgroups.refreshIfDue(System.nanoTime());
        return n;
    }

    /**
     * Starts the probe's consumer thread, which polls every poll interval and hands each batch to
     * {@code listener}. If the listener throws, consumption stops and {@link #consumerFailure()} says why.
     */
    public void start(BatchListener listener) {
        synchronized (lifecycle) {
            ensureOpen();
            if (consumer != null) {
                throw new IllegalStateException("already started");
            }
            EventBatch batch = EventBatch.allocate(spec.batchRecords);
            int timeoutMs = (int) spec.pollInterval.toMillis();
            PayloadListener payload = spec.payloadListener;
            PayloadBatch payloadBatch = payload == null ? null : PayloadBatch.allocate(PAYLOAD_BATCH_BYTES);
            consumer = new Thread(() -> {
                try {
                    while (!closed) {
                        pollInto(batch, timeoutMs);
                        // Taken right after the poll, before any other work: a batch that did not fill
                        // means the ring was empty at this time, which is what a listener's cut relies on.
                        long polledNs = System.nanoTime();
                        if (payload != null) {
                            // After the syscall poll: a read's or write's payload record is submitted
                            // before its sys_exit record, so a listener that takes the final cut on this
                            // batch has every payload of the calls in it.
                            pollPayload(payloadBatch);
                            payload.onPayload(payloadBatch);
                            // Then this poll's syscalls: a request read after them is already known.
                            payload.onSyscalls(batch);
                        }
                        listener.onBatch(batch, polledNs);
                    }
                } catch (ProbeException e) {
                    if (!closed) {
                        consumerFailure = e;
                    }
                } catch (Throwable t) {
                    consumerFailure = t;
                }
            }, "mlp-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }
    }

    /** Why the consumer thread stopped early, if it did. */
    public Optional<Throwable> consumerFailure() {
        return Optional.ofNullable(consumerFailure);
    }

    /** --mcp: drains the payload ring without waiting (its records carry their own clocks). */
    private void pollPayload(PayloadBatch batch) {
        ensureOpen();
        int n = Shim.mlp_poll_mcp(handle, batch.buffer(), batch.capacityBytes());
        if (n < 0) {
            batch.reset(0);
            ensureOpen();
            throw failure(n, "reading payload records");
        }
        batch.reset(n);
    }

    /**
     * --mcp: the payload hooks' counters: records emitted, dropped (ring full), reads/writes
     * filtered out as not JSON-RPC, and user buffers that could not be read.
     */
    public long[] payloadCounters() {
        ensureOpen();
        if (spec.payloadListener == null) {
            return new long[4];
        }
        long[] c = new long[4];
        int result = Shim.mlp_read_mcp_counters(handle, c, c.length);
        if (result < 0) {
            ensureOpen();
            throw failure(result, "reading the payload counters");
        }
        return c;
    }

    /** Records handed to Java so far. */
    public long delivered() {
        return delivered;
    }

    /**
     * Where every event went: emitted (submitted to the ring or dropped because it was full),
     * dropped, the other losses, delivered to Java ({@code recorded}) and still in the ring
     * ({@code unread}). Read on the consuming thread between two batches (in a {@link BatchListener},
     * or after {@link #poll}), {@link LossCounters#balanced()} holds exactly.
     */
    public LossCounters lossCounters() {
        ensureOpen();
        int kernelCounters = Shim.mlp_counter_count();
        long[] c = new long[kernelCounters + 1]; // + the records still in the ring
        long deliveredBefore = delivered;
        int result = Shim.mlp_read_counters(handle, c, c.length);
        if (result < 0) {
            ensureOpen(); // closed meanwhile
            throw failure(result, "reading the loss counters");
        }
        long submitted = c[Shim.COUNTER_EMITTED];
        long dropped = c[Shim.COUNTER_DROPPED];
        return new LossCounters(submitted + dropped, dropped, c[Shim.COUNTER_ORPHAN_EXITS], c[Shim.COUNTER_STATE_FAILURES],
                deliveredBefore, c[kernelCounters]);
    }

    /** The ring buffer's bytes that {@code records} unread records hold ({@link LossCounters#unread}): how full it is. */
    public static long ringBytesOf(long records) {
        // Full samples of STAGE_RECORDS records each; some of them may still be staged, so this is at most.
        long samples = (records + RecordLayout.STAGE_RECORDS - 1) / RecordLayout.STAGE_RECORDS;
        return records * RecordLayout.RECORD_BYTES + samples * RecordLayout.SAMPLE_HEADER_BYTES;
    }

    /** Traces process {@code pid} (all its threads); with follow-children, also what it forks from now on. */
    public void addPid(long pid) {
        requireProcess(pid);
        explicitPids.add(pid);
        traceProcess(pid);
    }

    public void removePid(long pid) {
        explicitPids.remove(pid);
        check(Shim.mlp_remove_tgid(handle, (int) pid), "removing PID " + pid);
    }

    /** Traces the processes named {@code comm} now, and those that exec into that name from now on. */
    public void addCommand(String comm) {
        check(Shim.mlp_add_comm(handle, comm), "adding command " + comm);
        resolve(() -> ProcessScan.withCommand(comm)).forEach(this::traceProcess);
    }

    public void removeCommand(String comm) {
        check(Shim.mlp_remove_comm(handle, comm), "removing command " + comm);
        resolve(() -> ProcessScan.withCommand(comm)).forEach(this::untraceDerived);
    }

    /**
     * Traces every process in the cgroup v2 directory {@code dir} and below it, including those that
     * enter it later; if the directory is recreated (a restarted unit), the new one is followed.
     */
    public void addCgroup(Path dir) {
        cgroups.add(dir);
    }

    public void removeCgroup(Path dir) {
        cgroups.remove(dir);
        ProcessScan.inCgroup(dir).forEach(this::untraceDerived);
    }

    private void traceProcess(long pid) {
        if (pid != selfPid || explicitPids.contains(pid)) {
            check(Shim.mlp_add_tgid(handle, (int) pid), "adding PID " + pid);
        }
    }

    /** A process traced because of a cgroup or name stays traced if it was also given by PID. */
    private void untraceDerived(long pid) {
        if (!explicitPids.contains(pid)) {
            check(Shim.mlp_remove_tgid(handle, (int) pid), "removing PID " + pid);
        }
    }

    /** The launched command, if the probe started one. */
    public Optional<LaunchedCommand> launched() {
        return Optional.ofNullable(launched);
    }

    /** How many BPF programs are attached (for "Attaching N probes..."). */
    public int programCount() {
        ensureOpen();
        return Shim.mlp_program_count(handle);
    }

    /** True when thread state lives in task storage; false on the tid-hash fallback. */
    public boolean usesTaskStorage() {
        ensureOpen();
        return Shim.mlp_kernel_mode(handle) == Shim.MODE_TASK_STORAGE;
    }

    /** Stops the consumer thread, then detaches and unloads everything. Safe to call twice, from any thread. */
    @Override
    public void close() {
        Thread toJoin;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            toJoin = consumer;
        }
        Shim.mlp_close(handle); // also wakes a consumer blocked in poll
        if (toJoin != null && toJoin != Thread.currentThread()) {
            try {
                toJoin.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ProbeException(ProbeException.Kind.CLOSED, "the probe is closed");
        }
    }

    private void check(int result, String what) {
        ensureOpen();
        if (result < 0) {
            throw failure(result, what);
        }
    }

    private static ProbeException failure(int result, String what) {
        return ShimErrors.failure(result, false, what, Shim.mlp_last_error());
    }

    /** A step of target resolution, whose failure becomes the probe's: library callers catch one type. */
    private static <T> T resolve(Supplier<T> step) {
        try {
            return step.get();
        } catch (TargetException e) {
            throw ProbeException.of(e);
        }
    }

    private static void requireProcess(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE || ProcessHandle.of(pid).isEmpty()) {
            throw new ProbeException(ProbeException.Kind.BAD_TARGET, "no process with PID " + pid);
        }
        long tgid = ProcessScan.processOf(pid);
        if (tgid != pid && tgid > 0) {
            // A thread id is also a PID to ProcessHandle, but the kernel filter is by process.
            throw new ProbeException(ProbeException.Kind.BAD_TARGET, pid + " is a thread of process " + tgid
                    + ": give the process, --pid " + tgid);
        }
    }

    /**
     * What to trace and how. {@link #open()} validates everything (PIDs exist, units run,
     * privileges suffice) before loading anything, then loads, fills the filter, and attaches.
     * Targets combine: a syscall is traced if its process matches any of them.
     */
    public static final class Builder {
        private final Set<Long> pids = new LinkedHashSet<>();
        private final Set<String> commands = new LinkedHashSet<>();
        private final List<Path> cgroupDirs = new ArrayList<>();
        private final List<String> systemUnits = new ArrayList<>();
        private final List<String> userUnits = new ArrayList<>();
        private final Set<Integer> syscalls = new LinkedHashSet<>();
        private List<String> launch = List.of();
        private InvokingUser launchAs;
        private String defaultUnitUser;
        private boolean all;
        private boolean followChildren;
        private boolean forceHashFallback;
        private boolean verbose;
        private PayloadListener payloadListener;
        private int ringBytes = DEFAULT_RING_BYTES;
        private int batchRecords = DEFAULT_BATCH_RECORDS;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder() {}

        public Builder pid(long pid) {
            pids.add(pid);
            return this;
        }

        public Builder pids(Iterable<Long> more) {
            more.forEach(pids::add);
            return this;
        }

        /** Processes whose command name (comm, cut as the kernel keeps it: {@link ProcessScan#kernelComm}) is {@code comm}. */
        public Builder command(String comm) {
            if (comm == null || comm.isEmpty()) {
                throw new IllegalArgumentException("empty command name");
            }
            commands.add(ProcessScan.kernelComm(comm));
            return this;
        }

        /** Every process in a cgroup v2 directory (absolute, or relative to the v2 root as systemd prints it). */
        public Builder cgroup(String path) {
            cgroupDirs.add(resolve(() -> Cgroups.resolve(path)));
            return this;
        }

        /** A system unit's processes; followed across restarts. */
        public Builder systemdUnit(String unit) {
            systemUnits.add(unit);
            return this;
        }

        /**
         * A user unit's processes, "USER:UNIT" or "UNIT" (then the user who ran sudo, or this
         * process's user if not root); found only under that user's own manager. Followed across restarts.
         */
        public Builder userUnit(String unit) {
            userUnits.add(unit);
            return this;
        }

        /** The user of the {@link #userUnit} given without "USER:" (the probe unit's PROBE_USER). */
        public Builder defaultUnitUser(String user) {
            defaultUnitUser = user;
            return this;
        }

        /** Starts {@code argv} and traces it, and its children, from its first syscall after exec. */
        public Builder launch(List<String> argv) {
            launch = List.copyOf(argv);
            return this;
        }

        /** Runs the launched command as {@code user} (its ids and groups) instead of as this process; null: as this process. */
        public Builder launchAs(InvokingUser user) {
            launchAs = user;
            return this;
        }

        /** Every process on the host except this JVM. */
        public Builder all() {
            all = true;
            return this;
        }

        /** Also trace the processes a traced process forks (always on for a launched command). */
        public Builder followChildren(boolean follow) {
            followChildren = follow;
            return this;
        }

        /** Only these syscall numbers (0..511); none given: all syscalls. */
        public Builder syscall(int nr) {
            if (nr < 0 || nr >= Syscalls.MAX_FILTERABLE) {
                throw new IllegalArgumentException("syscall number " + nr + " outside 0.." + (Syscalls.MAX_FILTERABLE - 1));
            }
            syscalls.add(nr);
            return this;
        }

        /** Kernel ring buffer size: a power of two from 4096 bytes to {@link #MAX_RING_BYTES}; each record takes 40, plus an 8-byte header per sample of 16. */
        public Builder ringBufferBytes(int bytes) {
            if (!isValidRingBytes(bytes)) {
                throw new IllegalArgumentException("ring buffer size must be a power of two from " + MIN_RING_BYTES + " to "
                        + MAX_RING_BYTES + " bytes, got " + bytes);
            }
            ringBytes = bytes;
            return this;
        }

        /** Records copied per poll by the consumer thread: 1 to {@link EventBatch#MAX_CAPACITY}. */
        public Builder batchRecords(int records) {
            if (records <= 0 || records > EventBatch.MAX_CAPACITY) {
                throw new IllegalArgumentException("batch size must be 1.." + EventBatch.MAX_CAPACITY + " records, got " + records);
            }
            batchRecords = records;
            return this;
        }

        /** How often the consumer drains the ring when nothing wakes it earlier: 1 ms to {@link #MAX_POLL_INTERVAL} (default 10 ms). */
        public Builder pollInterval(Duration interval) {
            if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(MAX_POLL_INTERVAL) > 0) {
                throw new IllegalArgumentException("poll interval must be 1 ms.." + MAX_POLL_INTERVAL.toSeconds() + " s, got " + interval);
            }
            pollInterval = interval;
            return this;
        }

        /** Keep thread state in a tid-keyed hash even where task storage exists (for testing the fallback). */
        public Builder forceHashFallback(boolean force) {
            forceHashFallback = force;
            return this;
        }

        /**
         * --mcp: also copy what the traced processes read and write (the payload hooks), and hand
         * their records to {@code listener} on the consumer thread, then each batch of syscalls
         * (only with {@link SyscallProbe#start}).
         */
        public Builder mcp(PayloadListener listener) {
            payloadListener = listener;
            return this;
        }

        /** libbpf's own messages go to stderr (they are otherwise kept for error messages). */
        public Builder verbose(boolean on) {
            verbose = on;
            return this;
        }

        public boolean hasTarget() {
            return !pids.isEmpty() || hasTargetBesidesPids();
        }

        /**
         * PIDs are the only targets and their children are not followed: once those processes
         * have exited, nothing is left to trace.
         */
        public boolean tracesOnlyPids() {
            return !pids.isEmpty() && !followChildren && !hasTargetBesidesPids();
        }

        private boolean hasTargetBesidesPids() {
            return all || !commands.isEmpty() || !cgroupDirs.isEmpty() || !systemUnits.isEmpty() || !userUnits.isEmpty()
                    || !launch.isEmpty();
        }

        /** Validates, loads, fills the filter, attaches; then releases a launched command. */
        public SyscallProbe open() {
            return resolve(this::validateAndLoad);
        }

        private SyscallProbe validateAndLoad() {
            if (!hasTarget()) {
                throw new IllegalStateException("no target: give a pid, command, cgroup, unit, command to launch, or all()");
            }
            pids.forEach(SyscallProbe::requireProcess);
            if (!launch.isEmpty()) {
                LaunchedCommand.validate(launch);
            }
            List<Path> cgroups = new ArrayList<>(cgroupDirs);
            systemUnits.forEach(u -> cgroups.addAll(SystemdUnits.cgroups(u)));
            userUnits.forEach(u -> cgroups.addAll(SystemdUnits.userCgroups(u, defaultUnitUser)));
            Privileges.check();
            StartupMarks.mark("targets_checked");
            try {
                Shim.load();
                StartupMarks.mark("shim_ready");
            } catch (NativeLoadException e) {
                throw new ProbeException(ProbeException.Kind.UNSUPPORTED, e.getMessage(), e);
            }
            checkLayout();
            Shim.mlp_set_verbose(verbose ? 1 : 0);

            long self = ProcessHandle.current().pid();
            boolean follow = followChildren || !launch.isEmpty();
            int flags = (follow ? Shim.OPEN_FOLLOW_CHILDREN : 0) | (all ? Shim.OPEN_TRACE_ALL : 0)
                    | (forceHashFallback ? Shim.OPEN_FORCE_HASH : 0) | (payloadListener != null ? Shim.OPEN_MCP : 0);
            if (payloadListener != null) {
                checkMcpLayout();
            }
            int handle = Shim.mlp_open(ringBytes, flags, pids.contains(self) ? 0 : (int) self);
            StartupMarks.mark("bpf_loaded");
            if (handle < 0) {
                throw ShimErrors.failure(handle, true, "loading the probe", Shim.mlp_last_error());
            }
            SyscallProbe probe = new SyscallProbe(handle, this);
            try {
                pids.forEach(pid -> { // validated above
                    probe.explicitPids.add(pid);
                    probe.traceProcess(pid);
                });
                for (String comm : commands) {
                    probe.check(Shim.mlp_add_comm(handle, comm), "adding command " + comm);
                }
                cgroups.forEach(probe::addCgroup);
                if (!syscalls.isEmpty()) {
                    long[] mask = Syscalls.bitmap(syscalls);
                    probe.check(Shim.mlp_set_syscall_filter(handle, mask, mask.length), "setting the syscall filter");
                }
                if (!launch.isEmpty()) {
                    probe.launched = LaunchedCommand.startStopped(launch, launchAs);
                    probe.check(Shim.mlp_add_tgid(handle, (int) probe.launched.pid()), "adding the launched command");
                }
                probe.check(Shim.mlp_attach(handle), "attaching");
                probe.cgroups.scanMembersFromNowOn();
                StartupMarks.mark("attached");
                // Attached first, scanned second: a process that starts in between is seen by the kernel hooks.
                commands.forEach(comm -> ProcessScan.withCommand(comm).forEach(probe::traceProcess));
                probe.cgroups.dirs().forEach(dir -> ProcessScan.inCgroup(dir).forEach(probe::traceProcess));
                if (probe.launched != null) {
                    probe.launched.release();
                }
                return probe;
            } catch (RuntimeException | Error e) {
                // Nothing stays attached, and a launched command is not left stopped.
                if (probe.launched != null) {
                    probe.launched.kill();
                }
                probe.close();
                throw e;
            }
        }

        private static void checkMcpLayout() {
            int[] expected = McpRecordLayout.layout();
            int[] offsets = new int[expected.length + 4];
            int n = Shim.mlp_mcp_record_layout(offsets, offsets.length);
            if (n != expected.length || !java.util.Arrays.equals(java.util.Arrays.copyOf(offsets, n), expected)) {
                throw new ProbeException(ProbeException.Kind.FAILED,
                        "the native payload record layout does not match the Java decoder: rebuild with 'make'");
            }
        }

        private static void checkLayout() {
            int[] offsets = new int[8];
            int n = Shim.mlp_record_layout(offsets, offsets.length);
            int[] expected = RecordLayout.offsets();
            boolean same = Shim.mlp_record_size() == RecordLayout.RECORD_BYTES && n == expected.length;
            for (int i = 0; same && i < n; i++) {
                same = offsets[i] == expected[i];
            }
            if (!same) {
                throw new ProbeException(ProbeException.Kind.FAILED,
                        "the native record layout does not match the Java decoder: rebuild with 'make'");
            }
        }
    }
}
