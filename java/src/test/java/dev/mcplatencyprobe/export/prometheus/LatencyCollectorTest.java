package dev.mcplatencyprobe.export.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LatencyCollectorTest {
    private static final int READ = 0;
    private static final int TGID = 4242;

    /** A whole-run snapshot of calls of syscall {@code nr} with these latencies. */
    private static LatencySnapshot snapshotOf(long[] latenciesNs, int... nrs) {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        for (int i = 0; i < latenciesNs.length; i++) {
            recorder.record(1 + i, latenciesNs[i], 0, TGID, nrs[i % nrs.length]);
        }
        return recorder.finish(1 + latenciesNs.length, dev.mcplatencyprobe.snapshot.LossCounters.ZERO);
    }

    private static HistogramSnapshot durations(LatencyCollector collector) {
        for (MetricSnapshot m : collector.collect()) {
            if (m.getMetadata().getPrometheusName().equals(LatencyCollector.DURATION)) {
                return (HistogramSnapshot) m;
            }
        }
        throw new AssertionError("no " + LatencyCollector.DURATION);
    }

    private static long[] boundaryAndRandomLatencies() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 255L, 256L, 999L, 1000L, 1999L, 2000L, 2001L, 3999L, 4000L,
                1_048_575_999L, 1_048_576_000L, 67_108_863_999L, 67_108_864_000L, 300_000_000_000L));
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            values.add((long) Math.exp(random.nextDouble() * Math.log(5e9)));
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void classicBucketsHoldExactlyTheCallsAtOrBelowTheirBound() {
        long[] latencies = boundaryAndRandomLatencies();
        LatencySnapshot snapshot = snapshotOf(latencies, READ);
        HistogramDataPointSnapshot point = durations(LatencyCollector.builder().source(() -> ProbeState.of("t", snapshot)).build())
                .getDataPoints().get(0);
        long cumulative = 0;
        for (ClassicHistogramBucket bucket : point.getClassicBuckets()) {
            cumulative += bucket.getCount();
            double le = bucket.getUpperBound();
            long exact = java.util.Arrays.stream(latencies).filter(ns -> ns / 1e9 <= le).count();
            assertEquals(exact, cumulative, "le=" + le);
        }
        assertEquals(latencies.length, cumulative);
        assertEquals(1.999e-6, point.getClassicBuckets().getUpperBound(1), 0, "the [1, 2) µs row ends at 1999 ns");
        assertEquals(java.util.Arrays.stream(latencies).sum() / 1e9, point.getSum(), 1e-6);
    }

    @Test
    void nativeBucketsAreWithinTheStatedErrorOfEveryCall() {
        long[] latencies = boundaryAndRandomLatencies();
        LatencySnapshot snapshot = snapshotOf(latencies, READ);
        HistogramDataPointSnapshot point = durations(LatencyCollector.builder().source(() -> ProbeState.of("t", snapshot)).build())
                .getDataPoints().get(0);
        assertEquals(HistogramAccumulator.NATIVE_SCHEMA, point.getNativeSchema());
        assertEquals(0.0299, HistogramAccumulator.NATIVE_RELATIVE_ERROR, 0.0001);
        double base = Math.pow(2, Math.pow(2, -HistogramAccumulator.NATIVE_SCHEMA));
        // Cumulative up to each bucket's upper bound U: at least the calls <= U / (1 + 1/128), at most those <= U.
        long cumulative = point.getNativeZeroCount();
        assertEquals(java.util.Arrays.stream(latencies).filter(ns -> ns == 0).count(), cumulative);
        for (NativeHistogramBucket bucket : point.getNativeBucketsForPositiveValues()) {
            cumulative += bucket.getCount();
            double upper = Math.pow(base, bucket.getBucketIndex());
            long atMost = java.util.Arrays.stream(latencies).filter(ns -> ns / 1e9 <= upper * (1 + 1e-12)).count();
            long atLeast = java.util.Arrays.stream(latencies).filter(ns -> ns / 1e9 <= upper / (1 + 1.0 / 128)).count();
            assertTrue(cumulative >= atLeast && cumulative <= atMost,
                    "bucket " + bucket.getBucketIndex() + ": " + atLeast + " <= " + cumulative + " <= " + atMost);
        }
        assertEquals(latencies.length, cumulative);
    }

    @Test
    void syscallsBeyondTheLimitShareOneSeriesWithExactTotalsAndNamesStay() {
        int limit = 5;
        long[] latencies = new long[1_000];
        java.util.Arrays.fill(latencies, 5_000);
        int[] eight = {0, 1, 2, 3, 4, 5, 8, 9};
        AtomicReference<LatencySnapshot> now = new AtomicReference<>(snapshotOf(latencies, eight));
        LatencyCollector collector = LatencyCollector.builder().maxSyscallsPerTarget(limit)
                .source(() -> ProbeState.of("t", now.get())).build();
        HistogramSnapshot first = durations(collector);
        List<String> named = first.getDataPoints().stream().map(p -> p.getLabels().get("syscall")).toList();
        assertEquals(limit + 1, named.size(), named.toString());
        assertTrue(named.contains(LatencyCollector.OTHER), named.toString());
        assertEquals(1_000, first.getDataPoints().stream().mapToLong(HistogramDataPointSnapshot::getCount).sum());

        // A busier syscall that appears later does not take a name: no series may go down.
        long[] more = new long[3_000];
        java.util.Arrays.fill(more, 5_000);
        int[] withNew = {0, 1, 2, 3, 4, 5, 8, 9, 10, 10, 10, 10, 10, 10, 10, 10};
        now.set(snapshotOf(more, withNew));
        HistogramSnapshot second = durations(collector);
        List<String> namedAfter = second.getDataPoints().stream().map(p -> p.getLabels().get("syscall")).toList();
        assertEquals(named.stream().sorted().toList(), namedAfter.stream().sorted().toList());
        assertEquals(3_000, second.getDataPoints().stream().mapToLong(HistogramDataPointSnapshot::getCount).sum());
    }

    @Test
    void noPerProcessSeriesUnlessAskedAndThenCapped() {
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults(), 0);
        for (int tgid = 1; tgid <= 10; tgid++) {
            for (int i = 0; i < tgid; i++) {
                recorder.record(1, 1_000, 0, tgid, READ);
            }
        }
        LatencySnapshot snapshot = recorder.finish(2, dev.mcplatencyprobe.snapshot.LossCounters.ZERO);
        LatencyCollector plain = LatencyCollector.builder().source(() -> ProbeState.of("t", snapshot)).build();
        assertFalse(plain.collect().stream().anyMatch(m -> m.getMetadata().getPrometheusName().equals(LatencyCollector.PROCESS_DURATION)));
        LatencyCollector perProcess = LatencyCollector.builder().maxProcessesPerTarget(3).source(() -> ProbeState.of("t", snapshot)).build();
        HistogramSnapshot processes = (HistogramSnapshot) perProcess.collect().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals(LatencyCollector.PROCESS_DURATION)).findFirst().orElseThrow();
        List<String> pids = processes.getDataPoints().stream().map(p -> p.getLabels().get("pid")).sorted().toList();
        assertEquals(List.of("10", "8", "9", "other"), pids, "the three busiest, the rest as other");
        assertEquals(55, processes.getDataPoints().stream().mapToLong(HistogramDataPointSnapshot::getCount).sum());
    }

    /** The library stays lean: every Prometheus dependency of its POM is optional. */
    /** The gauge's value, or null when the collector does not export it. */
    private static Double gauge(LatencyCollector collector, String name) {
        for (MetricSnapshot m : collector.collect()) {
            if (m.getMetadata().getPrometheusName().equals(name)) {
                return ((GaugeSnapshot) m).getDataPoints().get(0).getValue();
            }
        }
        return null;
    }

    @Test
    void ringFillIsTheShareOfTheRingTheUnreadRecordsHold() {
        LatencySnapshot snapshot = snapshotOf(new long[] {1000}, READ);
        int ring = 1 << 20;
        long unread = 5000;
        ProbeState state = new ProbeState(java.util.Map.of("t", snapshot), snapshot.loss(), unread, SyscallProbe.ringBytesOf(unread), ring);
        LatencyCollector collector = LatencyCollector.builder().source(() -> state).build();
        assertEquals(5000.0, gauge(collector, "mcp_probe_events_unread"));
        assertEquals((5000.0 * 40 + 313 * 8) / ring, gauge(collector, "mcp_probe_ring_fill_ratio"), 1e-12); // 40-byte records, 16 a sample
        ProbeState overfull = new ProbeState(java.util.Map.of("t", snapshot), snapshot.loss(), 1, 2L * ring, ring);
        assertEquals(1.0, gauge(LatencyCollector.builder().source(() -> overfull).build(), "mcp_probe_ring_fill_ratio"));
        assertEquals(null, gauge(LatencyCollector.builder().source(() -> ProbeState.of("t", snapshot)).build(),
                "mcp_probe_ring_fill_ratio"), "unknown ring: no ratio");
    }

    @Test
    void theLibrarysPomDeclaresThePrometheusClientOptional() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        int prometheus = 0;
        while (dependency.find()) {
            String d = dependency.group(1);
            if (d.contains("<groupId>io.prometheus</groupId>")) {
                prometheus++;
                assertTrue(d.contains("<optional>true</optional>"), "not optional: " + d);
            }
        }
        assertTrue(prometheus >= 2, "the exporter's dependencies are declared: " + prometheus);
    }

    /** Only the exporter's package may touch the Prometheus client: the rest loads without it. */
    @Test
    void onlyTheExporterPackageImportsThePrometheusClient() throws Exception {
        try (var files = Files.walk(Path.of("src/main/java/dev/mcplatencyprobe"))) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.toString().contains("/export/prometheus/"))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains("import io.prometheus");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
