package dev.mcplatencyprobe.jmh;

import dev.mcplatencyprobe.report.JsonReport;
import dev.mcplatencyprobe.report.TextReport;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Rendering one report from a snapshot of 1M calls (16 syscalls, 4 processes). Scores are µs per report. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RenderBenchmark {
    private static final IntFunction<String> NAMES =
            Map.of(4101, "thinking", 4102, "memory", 7310, "java", 9999, "node")::get;

    private LatencySnapshot snapshot;

    @Setup
    public void setUp() {
        snapshot = SnapshotBenchmark.filledRecorder().finish(TimeUnit.MINUTES.toNanos(30), LossCounters.ZERO);
    }

    @Benchmark
    public String text() {
        return TextReport.render(snapshot, NAMES);
    }

    @Benchmark
    public String json() {
        return JsonReport.render(snapshot, NAMES);
    }
}
