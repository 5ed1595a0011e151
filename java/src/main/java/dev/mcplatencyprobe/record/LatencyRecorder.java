package dev.mcplatencyprobe.record;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.snapshot.LatencyDistribution.ExactLimits;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.WindowKind;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns completed syscalls into interval and whole-run {@link LatencySnapshot}s.
 *
 * <p>Windows are {@code [start + k * interval, start + (k + 1) * interval)} on the
 * {@code CLOCK_MONOTONIC} clock, and a call belongs to the window that contains its end time
 * ({@code endNs}): the report of an interval holds exactly the calls that completed in it. A window
 * closes when a call from a later window arrives or when {@link #rotateIfDue} sees the clock past
 * its end; a call that arrives after its window closed (records from different CPUs can be a few
 * microseconds out of order) still joins that window until it has been reported, and the open
 * window after that.
 *
 * <p>Single writer: one thread (the probe's consumer) calls every method; the snapshots it hands
 * out are immutable and may go to any thread. Recording takes no locks and allocates nothing per
 * call: only when a window closes, and when a syscall or process first needs storage in a
 * window's (reused) tables. Histograms are copied only when a snapshot is taken.
 *
 * <p>On a probe, {@link RecordingListener} drives it (records each batch, rotates windows on the clock
 * with the probe's loss counters, cuts the final accounting). By hand, with any source of batches:
 * <pre>{@code
 * LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), System.nanoTime());
 * while (running) {
 *     recorder.record(nextBatch());
 *     for (LatencySnapshot s : recorder.rotateIfDue(System.nanoTime(), LossCounters.ZERO)) {
 *         System.out.print(TextReport.render(s));
 *     }
 * }
 * LatencySnapshot whole = recorder.finish(System.nanoTime(), LossCounters.ZERO);
 * }</pre>
 */
public final class LatencyRecorder {
    /**
     * @param intervalNs   the report interval: length of a window
     * @param thresholdNs  calls above this are counted as high latency
     * @param maxProcesses processes counted one by one; the others share one row
     * @param syscalls     names for the syscall numbers
     * @param exactLimits  latencies around which percentiles are exact (the verdict's, by default)
     */
    public record Config(long intervalNs, long thresholdNs, int maxProcesses, Syscalls syscalls, ExactLimits exactLimits) {
        public static final long DEFAULT_INTERVAL_NS = 10_000_000_000L;
        public static final long DEFAULT_THRESHOLD_NS = 50_000_000L;
        /**
         * Each syscall seen costs about 24 KB per window held, each process 48 KB (its blocking
         * waits and its other calls are counted apart), more with calls of over 2 s; the recorder
         * holds the open window, the whole run, and a spare or two.
         */
        public static final int DEFAULT_MAX_PROCESSES = 256;
        /** The most processes counted one by one: 4096 of them cost ~200 MB per window held. */
        public static final int MAX_PROCESSES = 4096;
        /** The longest interval: a day (window arithmetic stays far from overflow). */
        public static final long MAX_INTERVAL_NS = 86_400_000_000_000L;

        public Config {
            if (intervalNs <= 0 || intervalNs > MAX_INTERVAL_NS) {
                throw new IllegalArgumentException("interval must be 1.." + MAX_INTERVAL_NS + " ns, got " + intervalNs);
            }
            if (thresholdNs < 0 || thresholdNs > MAX_INTERVAL_NS) {
                throw new IllegalArgumentException("threshold must be 0.." + MAX_INTERVAL_NS + " ns, got " + thresholdNs);
            }
            if (maxProcesses <= 0 || maxProcesses > MAX_PROCESSES) {
                throw new IllegalArgumentException("maxProcesses must be 1.." + MAX_PROCESSES + ", got " + maxProcesses);
            }
            Objects.requireNonNull(syscalls, "syscalls");
            Objects.requireNonNull(exactLimits, "exactLimits");
        }

        /** 10 s interval, 50 ms threshold, the syscall names of this machine's architecture, exact around the verdict's limits. */
        public static Config defaults() {
            return new Config(DEFAULT_INTERVAL_NS, DEFAULT_THRESHOLD_NS, DEFAULT_MAX_PROCESSES, Syscalls.forCurrentArch(),
                    LatencyDistribution.VERDICT_LIMITS);
        }

        public Config withIntervalNs(long ns) { return new Config(ns, thresholdNs, maxProcesses, syscalls, exactLimits); }
        public Config withThresholdNs(long ns) { return new Config(intervalNs, ns, maxProcesses, syscalls, exactLimits); }
        public Config withMaxProcesses(int n) { return new Config(intervalNs, thresholdNs, n, syscalls, exactLimits); }
        public Config withSyscalls(Syscalls table) { return new Config(intervalNs, thresholdNs, maxProcesses, table, exactLimits); }
        public Config withExactLimits(ExactLimits limits) { return new Config(intervalNs, thresholdNs, maxProcesses, syscalls, limits); }
    }

    /** A window that has ended but has not been reported yet; {@code stats} is null while it has no calls. */
    private static final class ClosedWindow {
        final long startNs;
        final long endNs;
        WindowStats stats;

        ClosedWindow(long startNs, long endNs, WindowStats stats) {
            this.startNs = startNs;
            this.endNs = endNs;
            this.stats = stats;
        }
    }

    /**
     * Closed windows waiting for {@link #rotateIfDue}: past this, the two oldest are reported as one
     * longer window (every call kept), so a consumer that never catches up holds bounded memory.
     */
    public static final int MAX_CLOSED_WINDOWS = 4;

    private final Config config;
    private final long startNs;
    private final WindowStats sinceStart;
    private final ArrayDeque<ClosedWindow> closed = new ArrayDeque<>();
    private final ArrayDeque<WindowStats> spare = new ArrayDeque<>();
    private WindowStats current;
    private long windowStartNs;
    private long windowEndNs;
    private LossCounters lossAtLastReport = LossCounters.ZERO;
    private boolean finished;
    /** Calls recorded since the start: the "recorded" of the probe's event accounting. */
    private long recorded;
    /** The batch being recorded, copied out of native memory; grows to the largest batch seen. */
    private long[] batchWords = new long[0];

    /**
     * @param startNs when recording starts, {@code CLOCK_MONOTONIC} ns ({@link System#nanoTime()});
     *                the first window begins here
     */
    public LatencyRecorder(Config config, long startNs) {
        this.config = Objects.requireNonNull(config, "config");
        this.startNs = startNs;
        this.sinceStart = newWindowStats();
        this.current = newWindowStats();
        this.windowStartNs = startNs;
        this.windowEndNs = startNs + config.intervalNs();
    }

    public Config config() { return config; }
    public long startNs() { return startNs; }
    /** When the open window ends: the consumer can sleep until then at most before calling {@link #rotateIfDue}. */
    public long currentWindowEndNs() { return windowEndNs; }

    /**
     * True when {@link #rotateIfDue} would return a snapshot: the clock passed the open window's end,
     * or a call from a later window already closed it. Cheap, for calling after every poll.
     */
    public boolean isReportDue(long nowNs) {
        return nowNs >= windowEndNs || !closed.isEmpty();
    }

    /** Records every call of the batch. */
    public void record(EventBatch batch) {
        long[] words = batchWords;
        int needed = Math.multiplyExact(batch.capacity(), EventBatch.WORDS_PER_RECORD);
        if (words.length < needed) {
            words = batchWords = new long[needed];
        }
        int size = batch.copyWords(words);
        recorded += size;
        // The per-call work sits in this loop rather than behind a call per event: C2 will not
        // inline a per-event method that it has already compiled on its own into a large body.
        for (int i = 0; i < size; i++) {
            long endNs = EventBatch.endNs(words, i);
            if (endNs >= windowEndNs || endNs < windowStartNs) {
                recordOutsideOpenWindow(endNs, EventBatch.latencyNs(words, i), EventBatch.ret(words, i),
                        EventBatch.tgid(words, i), EventBatch.nr(words, i));
            } else {
                current.record(EventBatch.latencyNs(words, i), EventBatch.ret(words, i),
                        EventBatch.tgid(words, i), EventBatch.nr(words, i));
            }
        }
    }

    /**
     * Records one call.
     *
     * @param endNs     when it completed, {@code CLOCK_MONOTONIC} ns
     * @param latencyNs how long it took
     * @param ret       its return value; negative is an error ({@code -errno})
     * @param tgid      the process (thread group id)
     * @param nr        the syscall number
     */
    public void record(long endNs, long latencyNs, long ret, int tgid, int nr) {
        recorded++;
        if (endNs >= windowEndNs || endNs < windowStartNs) {
            recordOutsideOpenWindow(endNs, latencyNs, ret, tgid, nr);
            return;
        }
        current.record(latencyNs, ret, tgid, nr);
    }

    private void recordOutsideOpenWindow(long endNs, long latencyNs, long ret, int tgid, int nr) {
        if (finished) {
            throw new IllegalStateException("recorder finished: no more calls can be recorded");
        }
        if (endNs >= windowEndNs) {
            closeOpenWindow(endNs);
            current.record(latencyNs, ret, tgid, nr);
            return;
        }
        for (ClosedWindow window : closed) {
            if (endNs >= window.startNs && endNs < window.endNs) {
                if (window.stats == null) {
                    window.stats = takeSpare();
                }
                window.stats.record(latencyNs, ret, tgid, nr);
                return;
            }
        }
        // Its window was reported already (or it predates the start): the open window takes it.
        current.record(latencyNs, ret, tgid, nr);
    }

    /** Calls recorded since the start (each {@code record} call and every record of each batch). */
    public long recordedCount() { return recorded; }

    /** Closes the open window and opens the one that contains {@code nowNs} (>= the open window's end). */
    private void closeOpenWindow(long nowNs) {
        while (closed.size() >= MAX_CLOSED_WINDOWS - 1) {
            mergeOldestClosed();
        }
        closed.add(new ClosedWindow(windowStartNs, windowEndNs, current));
        current = takeSpare();
        long interval = config.intervalNs();
        long nextStartNs = startNs + Math.floorDiv(nowNs - startNs, interval) * interval;
        if (nextStartNs > windowEndNs) {
            // Whole intervals without a call: one empty window of their real length, however long.
            closed.add(new ClosedWindow(windowEndNs, nextStartNs, null));
        }
        windowStartNs = nextStartNs;
        windowEndNs = nextStartNs + interval;
    }

    /** The two oldest closed windows become one that spans both, with the calls of both. */
    private void mergeOldestClosed() {
        ClosedWindow oldest = closed.poll();
        ClosedWindow next = closed.poll();
        WindowStats stats = next.stats;
        if (oldest.stats != null) {
            if (stats == null) {
                stats = oldest.stats;
            } else {
                stats.add(oldest.stats);
                recycle(oldest.stats);
            }
        }
        closed.addFirst(new ClosedWindow(oldest.startNs, next.endNs, stats));
    }

    /**
     * Closes the open window if the clock has passed its end and returns the snapshots of every
     * window closed since the last call, oldest first (usually none or one). The loss counters'
     * change since the last reported window goes with the newest of them.
     *
     * @param nowNs          the current {@code CLOCK_MONOTONIC} time; call after draining the ring buffer
     * @param cumulativeLoss the probe's loss counters since it started
     */
    public List<LatencySnapshot> rotateIfDue(long nowNs, LossCounters cumulativeLoss) {
        requireNotFinished();
        if (nowNs >= windowEndNs) {
            closeOpenWindow(nowNs);
        }
        if (closed.isEmpty()) {
            return List.of();
        }
        LossCounters lossSinceLastReport = cumulativeLoss.minus(lossAtLastReport);
        lossAtLastReport = cumulativeLoss;
        List<LatencySnapshot> snapshots = new ArrayList<>(closed.size());
        while (!closed.isEmpty()) {
            ClosedWindow window = closed.poll();
            LossCounters loss = closed.isEmpty() ? lossSinceLastReport : LossCounters.ZERO;
            WindowStats stats = window.stats != null ? window.stats : takeSpare();
            snapshots.add(stats.toSnapshot(WindowKind.INTERVAL, window.startNs, window.endNs, loss));
            sinceStart.add(stats);
            recycle(stats);
        }
        return snapshots;
    }

    /** Everything since the start, including the open window, without stopping or closing anything. */
    public LatencySnapshot sinceStart(long nowNs, LossCounters cumulativeLoss) {
        requireNotFinished();
        WindowStats all = newWindowStats();
        addUnreported(all);
        return all.toSnapshot(WindowKind.SINCE_START, startNs, Math.max(nowNs, startNs), cumulativeLoss);
    }

    /**
     * The final snapshot of the whole run, including windows not reported yet and the open one.
     * The recorder takes no calls afterwards.
     */
    public LatencySnapshot finish(long nowNs, LossCounters cumulativeLoss) {
        requireNotFinished();
        addUnreported(sinceStart);
        closed.clear();
        finished = true;
        // Every later record() now takes the slow path, which refuses.
        windowStartNs = Long.MAX_VALUE;
        windowEndNs = Long.MIN_VALUE;
        return sinceStart.toSnapshot(WindowKind.WHOLE_RUN, startNs, Math.max(nowNs, startNs), cumulativeLoss);
    }

    private void addUnreported(WindowStats into) {
        if (into != sinceStart) {
            into.add(sinceStart);
        }
        for (ClosedWindow window : closed) {
            if (window.stats != null) {
                into.add(window.stats);
            }
        }
        into.add(current);
    }

    private void requireNotFinished() {
        if (finished) {
            throw new IllegalStateException("recorder finished");
        }
    }

    private WindowStats newWindowStats() {
        return new WindowStats(config.thresholdNs(), config.exactLimits(), config.maxProcesses(), config.syscalls());
    }

    private WindowStats takeSpare() {
        WindowStats stats = spare.poll();
        return stats != null ? stats : newWindowStats();
    }

    private void recycle(WindowStats stats) {
        stats.reset();
        spare.push(stats);
    }
}
