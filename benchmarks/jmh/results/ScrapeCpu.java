import dev.mcplatencyprobe.export.prometheus.*;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.*;
import dev.mcplatencyprobe.snapshot.LossCounters;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.*;
import java.util.concurrent.TimeUnit;

public class ScrapeCpu {
    interface Op { Object run() throws Exception; }
    static void measure(String name, Op op, int n) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) op.run(); // warm-up
        long[] cpu = new long[n];
        for (int i = 0; i < n; i++) { long t0 = mx.getCurrentThreadCpuTime(); op.run(); cpu[i] = mx.getCurrentThreadCpuTime() - t0; }
        Arrays.sort(cpu);
        System.out.printf("%-28s CPU per op: median %.2f ms, min %.2f ms (n=%d)%n", name, cpu[n / 2] / 1e6, cpu[0] / 1e6, n);
    }
    public static void main(String[] a) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, LatencySnapshot> targets = new HashMap<>();
        LatencyRecorder first = null;
        for (int t = 0; t < 10; t++) {
            LatencyRecorder r = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(TimeUnit.HOURS.toNanos(1)), 0);
            long end = 1;
            for (int i = 0; i < 40 * 20_000; i++) {
                long lat = (long) Math.exp(Math.log(200) + random.nextDouble() * (Math.log(100e6) - Math.log(200)));
                r.record(end++, lat, 0, 1000 + random.nextInt(4), i % 40);
            }
            if (first == null) first = r;
            targets.put("unit:server-" + t + ".service", r.sinceStart(end, LossCounters.ZERO));
        }
        ProbeState state = new ProbeState(targets, LossCounters.ZERO, 0, 0, 8 << 20);
        LatencyCollector c = LatencyCollector.builder().source(() -> state).build();
        var text = ExpositionFormats.init().getPrometheusTextFormatWriter();
        var pb = ExpositionFormats.init().getPrometheusProtobufWriter();
        OutputStream sink = OutputStream.nullOutputStream();
        List<LatencyDistribution> all = new ArrayList<>();
        targets.values().forEach(s -> s.syscalls().forEach(x -> all.add(x.latency())));
        long[] sink2 = new long[1];
        LatencyRecorder one = first;
        int n = Integer.parseInt(a.length > 0 ? a[0] : "15");
        measure("forEachBucket x400", () -> { for (LatencyDistribution d : all) d.forEachBucket((lo, hi, k) -> sink2[0] += k); return sink2[0]; }, n);
        measure("sinceStart (1 target)", () -> one.sinceStart(2, LossCounters.ZERO), n);
        measure("collect", c::collect, n);
        measure("collect + text", () -> { text.write(sink, c.collect()); return null; }, n);
        measure("collect + protobuf", () -> { pb.write(sink, c.collect()); return null; }, n);
    }
}
