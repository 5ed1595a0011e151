package dev.mcplatencyprobe.jmh;

import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencyDistribution;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a report costs besides recording: taking a snapshot of a recorder that holds 1M calls
 * (16 syscalls, 4 processes), and percentile queries. Scores are µs per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotBenchmark {
    static final int CALLS = 1 << 20;

    private LatencyRecorder recorder;
    private LatencyDistribution total;

    @Setup
    public void setUp() {
        recorder = filledRecorder();
        total = recorder.sinceStart(System.nanoTime(), LossCounters.ZERO).total();
    }

    static LatencyRecorder filledRecorder() {
        LatencyRecorder recorder = new LatencyRecorder(
                LatencyRecorder.Config.defaults().withIntervalNs(TimeUnit.HOURS.toNanos(1)), 0);
        Workload workload = new Workload(7);
        for (int i = 0; i < CALLS / RecordBenchmark.BATCH_SIZE; i++) {
            recorder.record(workload.batch(RecordBenchmark.BATCH_SIZE));
        }
        return recorder;
    }

    /** Copies every histogram into an immutable snapshot, as each report does. */
    @Benchmark
    public LatencySnapshot snapshot() {
        return recorder.sinceStart(TimeUnit.MINUTES.toNanos(30), LossCounters.ZERO);
    }

    /**
     * Four percentile queries on a 1M-call distribution (the four a report shows are computed once
     * per distribution, when the snapshot is taken; this is the cost of that, or of other queries).
     */
    @Benchmark
    public void percentileQueries(Blackhole blackhole) {
        blackhole.consume(total.valueAtPercentile(50));
        blackhole.consume(total.valueAtPercentile(90));
        blackhole.consume(total.valueAtPercentile(99));
        blackhole.consume(total.valueAtPercentile(99.9));
    }
}
