package dev.mcplatencyprobe.record;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.probe.BatchListener;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The end of the pipeline, the one every user shares (the CLI, the benchmarks, a library user): on
 * the probe's consumer thread it records each batch, hands the batch's processes to
 * {@link ProcessNames} (which reads /proc on a thread of its own), cuts interval reports on the clock
 * with the probe's loss counters, and cuts the final accounting after the stop. Reports are cut here,
 * between two batches, because only here is {@code emitted = recorded + dropped + unread} exact.
 *
 * <pre>{@code
 * try (SyscallProbe probe = SyscallProbe.builder().pid(1234).open()) {
 *     LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), System.nanoTime());
 *     RecordingListener listener = new RecordingListener(probe, recorder);
 *     probe.start(listener);
 *     Thread.sleep(30_000);
 *     LatencySnapshot whole = listener.finish(System.nanoTime());
 * }
 * }</pre>
 *
 * <p>Interval reports wait for a drained ring (a batch that is not full), so that every call that
 * ended in the interval is in it; a consumer that never drains it (a storm, a slow listener) still
 * reports at most {@link #REPORT_LAG_NS} late, and the recorder bounds the windows it holds.
 */
public final class RecordingListener implements BatchListener {
    /** Longest delay of an interval report while every batch comes back full. */
    public static final long REPORT_LAG_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** After the stop, how long the drain may take before what is left is counted as unread. */
    public static final long FINAL_DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    /** How long {@link #finish} waits for a consumer busy in its listener before it reads the counters itself. */
    public static final long FINAL_CUT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final SyscallProbe probe;
    private final LatencyRecorder recorder;
    private final ProcessNames names;
    private final Consumer<LatencySnapshot> intervalReports;
    private final LongConsumer afterDrain;
    private final CountDownLatch finalCut = new CountDownLatch(1);
    private volatile long stopNs = Long.MAX_VALUE;
    private volatile LossCounters finalLoss;

    /** Records into {@code recorder}; interval snapshots are cut and added to the whole run, nobody gets them. */
    public RecordingListener(SyscallProbe probe, LatencyRecorder recorder) {
        this(probe, recorder, null, null, null);
    }

    public RecordingListener(SyscallProbe probe, LatencyRecorder recorder, ProcessNames names, Consumer<LatencySnapshot> intervalReports) {
        this(probe, recorder, names, intervalReports, null);
    }

    /**
     * @param names           if not null, gets each batch's processes for a look-up while they still run
     * @param intervalReports if not null, gets each interval's snapshot, on the consumer thread: must not block
     * @param afterDrain      if not null, called with the time after each batch that drained the ring
     *                        (the recorder then holds every call that ended before it), on the consumer thread
     */
    public RecordingListener(SyscallProbe probe, LatencyRecorder recorder, ProcessNames names,
            Consumer<LatencySnapshot> intervalReports, LongConsumer afterDrain) {
        this.probe = probe;
        this.recorder = recorder;
        this.names = names;
        this.intervalReports = intervalReports;
        this.afterDrain = afterDrain;
    }

    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public void onBatch(EventBatch batch, long nowNs) {
        if (finalLoss != null) {
            return; // after the final cut: these calls ended after the run
        }
        recorder.record(batch);
        if (names != null) {
            names.see(batch);
        }
        boolean drained = batch.size() < batch.capacity();
        if (drained ? recorder.isReportDue(nowNs) : recorder.isReportDue(nowNs - REPORT_LAG_NS)) {
            for (LatencySnapshot s : recorder.rotateIfDue(nowNs, accounting())) {
                if (intervalReports != null) {
                    intervalReports.accept(s);
                }
            }
        }
        if (drained && afterDrain != null) {
            afterDrain.accept(nowNs);
        }
        long stopAt = stopNs;
        if (nowNs >= stopAt && (drained || nowNs - stopAt >= FINAL_DRAIN_TIMEOUT_NS)) {
            // What the drain could not reach in time is counted as unread.
            finalLoss = accounting();
            finalCut.countDown();
        }
    }

    /** The probe's counters with what the recorder recorded: exact here, between two batches. */
    private LossCounters accounting() {
        return probe.lossCounters().withRecorded(recorder.recordedCount());
    }

    /**
     * Asks for the final cut at {@code stopAtNs} and waits for the consumer to take it, at most
     * {@code timeoutNs}; a consumer stuck in its listener gets the figures read from this thread,
     * the best there are. Then the probe may be closed and the recorder finished.
     */
    public LossCounters cutFinal(long stopAtNs, long timeoutNs) throws InterruptedException {
        stopNs = stopAtNs;
        long deadline = System.nanoTime() + timeoutNs;
        while (!finalCut.await(100, TimeUnit.MILLISECONDS)) {
            if (probe.consumerFailure().isPresent() || System.nanoTime() - deadline >= 0) {
                break;
            }
        }
        if (finalLoss == null && probe.consumerFailure().isEmpty()) {
            finalLoss = accounting();
        }
        return finalLoss != null ? finalLoss : LossCounters.ZERO;
    }

    /**
     * Ends the run at {@code stopAtNs}: waits for the drain ({@link #cutFinal}), closes the probe
     * (which joins the consumer thread: the recorder is the caller's from then on) and returns the
     * whole run with its final accounting.
     *
     * @throws IllegalStateException if the consumer failed (the cause is the probe's consumer failure)
     */
    public LatencySnapshot finish(long stopAtNs) throws InterruptedException {
        LossCounters loss = cutFinal(stopAtNs, FINAL_CUT_TIMEOUT_NS);
        probe.close();
        if (probe.consumerFailure().isPresent()) {
            throw new IllegalStateException("recording failed: " + probe.consumerFailure().get(), probe.consumerFailure().get());
        }
        return recorder.finish(stopAtNs, loss);
    }
}
