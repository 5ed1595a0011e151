package dev.mcplatencyprobe.jmh;

import dev.mcplatencyprobe.export.prometheus.LatencyCollector;
import dev.mcplatencyprobe.export.prometheus.ProbeState;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Prometheus exporter's cost per scrape for a realistic probe: 10 targets x 40 syscalls, each
 * syscall with 20,000 calls log-uniform from 200 ns to 100 ms (about 1,300 non-empty fine buckets),
 * 400 histogram series with 28 classic and about 400 native buckets each. The consumer thread pays
 * {@code sinceStart} once per scrape per target; the scraping thread pays the rest. Scores are µs
 * per scrape.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScrapeBenchmark {
    static final int TARGETS = 10;
    static final int SYSCALLS = 40;
    static final int CALLS_PER_SYSCALL = 20_000;

    private LatencyRecorder oneTarget;
    private LatencyCollector collector;
    private ExpositionFormatWriter text;
    private ExpositionFormatWriter protobuf;
    private final OutputStream sink = OutputStream.nullOutputStream();

    @Setup
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, LatencySnapshot> targets = new HashMap<>();
        for (int t = 0; t < TARGETS; t++) {
            LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(TimeUnit.HOURS.toNanos(1)), 0);
            long endNs = 1;
            for (int i = 0; i < SYSCALLS * CALLS_PER_SYSCALL; i++) {
                long latency = (long) Math.exp(Math.log(200) + random.nextDouble() * (Math.log(100e6) - Math.log(200)));
                recorder.record(endNs++, latency, 0, 1000 + random.nextInt(4), i % SYSCALLS);
            }
            if (t == 0) {
                oneTarget = recorder;
            }
            targets.put("unit:server-" + t + ".service", recorder.sinceStart(endNs, LossCounters.ZERO));
        }
        ProbeState state = new ProbeState(targets, new LossCounters(8_000_000, 0, 0, 0), 0, 0, 8 << 20);
        collector = LatencyCollector.builder().source(() -> state).info("version", "bench").build();
        ExpositionFormats formats = ExpositionFormats.init();
        text = formats.getPrometheusTextFormatWriter();
        protobuf = formats.getPrometheusProtobufWriter();
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        text.write(t, collector.collect());
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        protobuf.write(p, collector.collect());
        System.out.printf("%nscrape size: text %d bytes, protobuf %d bytes%n", t.size(), p.size());
    }

    /** On the consumer thread, per target and scrape: the whole-run snapshot of one recorder (40 syscalls). */
    @Benchmark
    public LatencySnapshot sinceStartOneTarget() {
        return oneTarget.sinceStart(2, LossCounters.ZERO);
    }

    /** The collector alone: 400 histogram data points from 10 snapshots. */
    @Benchmark
    public MetricSnapshots collect() {
        return collector.collect();
    }

    /** A scrape by a Prometheus without native histograms: collect, then the text format. */
    @Benchmark
    public void collectAndWriteText() throws IOException {
        text.write(sink, collector.collect());
    }

    /** A scrape by a Prometheus with native histograms: collect, then the protobuf format. */
    @Benchmark
    public void collectAndWriteProtobuf() throws IOException {
        protobuf.write(sink, collector.collect());
    }
}
