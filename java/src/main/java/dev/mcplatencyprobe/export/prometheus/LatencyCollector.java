package dev.mcplatencyprobe.export.prometheus;

import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.snapshot.SyscallLatency;
import dev.mcplatencyprobe.snapshot.Verdict;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot.StateSetDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The probe's metrics for a Prometheus registry, built at scrape time from a {@link ProbeState}
 * (whole-run snapshots): the event path records as it always does and never touches Prometheus.
 *
 * <p>Cardinality is bounded: each target gets at most {@code maxSyscallsPerTarget} syscall label
 * values, given to the first syscalls seen (at the first scrape, most calls first) and kept for the
 * run; later ones are counted under {@code syscall="other"} (one series per {@code blocking_wait}
 * value), so every total stays exact and no series ever decreases. Processes get labels only when
 * {@code maxProcessesPerTarget > 0}, by the same rule ({@code pid="other"} for the rest).
 *
 * <p>Register it in any registry ({@code registry.register(collector)}); library users need
 * {@code io.prometheus:prometheus-metrics-model} 1.x on their class path (the probe's library
 * declares it optional).
 */
public final class LatencyCollector implements MultiCollector {
    public static final String DURATION = "mcp_probe_syscall_duration_seconds";
    public static final String PROCESS_DURATION = "mcp_probe_process_syscall_duration_seconds";
    public static final int DEFAULT_MAX_SYSCALLS_PER_TARGET = 40;
    public static final String OTHER = "other";

    private final Supplier<ProbeState> source;
    private final int maxSyscallsPerTarget;
    private final int maxProcessesPerTarget;
    private final Labels info;
    /** Per target, the syscalls (name) and processes (tgid) that have series of their own. */
    private final Map<String, Set<String>> namedSyscalls = new HashMap<>();
    private final Map<String, Set<Integer>> namedProcesses = new HashMap<>();
    private final HistogramAccumulator accumulator = new HistogramAccumulator();

    private LatencyCollector(Builder b) {
        this.source = Objects.requireNonNull(b.source, "source");
        this.maxSyscallsPerTarget = b.maxSyscallsPerTarget;
        this.maxProcessesPerTarget = b.maxProcessesPerTarget;
        this.info = b.info;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Supplier<ProbeState> source;
        private int maxSyscallsPerTarget = DEFAULT_MAX_SYSCALLS_PER_TARGET;
        private int maxProcessesPerTarget = 0;
        private Labels info = Labels.EMPTY;

        /** Called once per scrape; must be safe to call from the scraping thread; may return null (nothing yet). */
        public Builder source(Supplier<ProbeState> source) { this.source = source; return this; }

        public Builder maxSyscallsPerTarget(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxSyscallsPerTarget must be >= 0, got " + n);
            }
            this.maxSyscallsPerTarget = n;
            return this;
        }

        /** 0 (the default): no per-process series. */
        public Builder maxProcessesPerTarget(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxProcessesPerTarget must be >= 0, got " + n);
            }
            this.maxProcessesPerTarget = n;
            return this;
        }

        /** Labels of {@code mcp_probe_info}, e.g. version, kernel, btf_mode: name, value, name, value... */
        public Builder info(String... namesAndValues) { this.info = Labels.of(namesAndValues); return this; }

        public LatencyCollector build() { return new LatencyCollector(this); }
    }

    @Override
    public synchronized MetricSnapshots collect() {
        ProbeState state = source.get();
        List<MetricSnapshot> out = new ArrayList<>();
        if (!info.isEmpty()) {
            out.add(InfoSnapshot.builder().name("mcp_probe").help("The probe: version, kernel, how thread state is kept")
                    .dataPoint(InfoDataPointSnapshot.builder().labels(info).build()).build());
        }
        if (state == null) {
            return new MetricSnapshots(out);
        }
        Map<String, LatencySnapshot> targets = new TreeMap<>(state.targets());
        HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name(DURATION).unit(Unit.SECONDS)
                .help("Syscall latency (entry to exit) of the traced processes, by target and syscall, since the probe started");
        HistogramSnapshot.Builder processDurations = HistogramSnapshot.builder().name(PROCESS_DURATION).unit(Unit.SECONDS)
                .help("Syscall latency by traced process (all its syscalls), since the probe started");
        CounterSnapshot.Builder recorded = CounterSnapshot.builder().name("mcp_probe_events_recorded")
                .help("Completed syscalls recorded, by target");
        StateSetSnapshot.Builder verdicts = StateSetSnapshot.builder().name("mcp_probe_verdict")
                .help("The verdict from the whole run's P99 of the calls that are not blocking waits");
        for (Map.Entry<String, LatencySnapshot> e : targets.entrySet()) {
            String target = e.getKey();
            LatencySnapshot snapshot = e.getValue();
            addSyscalls(durations, target, snapshot);
            if (maxProcessesPerTarget > 0) {
                addProcesses(processDurations, target, snapshot);
            }
            recorded.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("target", target))
                    .value(snapshot.total().count()).build());
            StateSetDataPointSnapshot.Builder verdict = StateSetDataPointSnapshot.builder().labels(Labels.of("target", target));
            for (Verdict v : Verdict.values()) {
                verdict.state(v.name(), v == snapshot.verdict());
            }
            verdicts.dataPoint(verdict.build());
        }
        out.add(durations.build());
        if (maxProcessesPerTarget > 0) {
            out.add(processDurations.build());
        }
        out.add(recorded.build());
        out.add(verdicts.build());
        out.add(counter("mcp_probe_events_emitted", "Records the kernel program put into the ring buffer", state.loss().emitted()));
        out.add(counter("mcp_probe_events_dropped", "Completed syscalls lost because the ring buffer was full", state.loss().dropped()));
        out.add(counter("mcp_probe_events_untimed", "Syscalls not timed because the thread's state could not be stored",
                state.loss().stateFailures()));
        out.add(counter("mcp_probe_exits_without_entry", "Syscall exits of traced threads whose entry was not seen",
                state.loss().orphanExits()));
        if (state.unreadEvents() >= 0) {
            out.add(gauge("mcp_probe_events_unread", null, "Records in the ring buffer not read yet", state.unreadEvents()));
            if (state.ringBytes() > 0) {
                out.add(gauge("mcp_probe_ring_fill_ratio", Unit.RATIO, "Share of the ring buffer held by unread records",
                        Math.min(1.0, (double) state.unreadBytes() / state.ringBytes())));
            }
        }
        return new MetricSnapshots(out);
    }

    private void addSyscalls(HistogramSnapshot.Builder family, String target, LatencySnapshot snapshot) {
        Set<String> named = namedSyscalls.computeIfAbsent(target, t -> new LinkedHashSet<>());
        // Most calls first, so that the first scrape names the busiest syscalls.
        for (SyscallLatency s : snapshot.topSyscallsByCount(Integer.MAX_VALUE)) {
            if (named.size() >= maxSyscallsPerTarget) {
                break;
            }
            named.add(s.name());
        }
        Map<Boolean, List<SyscallLatency>> others = new LinkedHashMap<>();
        for (SyscallLatency s : snapshot.syscalls()) {
            if (named.contains(s.name())) {
                accumulator.reset();
                accumulator.add(s.latency());
                family.dataPoint(accumulator.toDataPoint(Labels.of("blocking_wait", String.valueOf(s.blockingWait()),
                        "syscall", s.name(), "target", target)));
            } else {
                others.computeIfAbsent(s.blockingWait(), w -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<Boolean, List<SyscallLatency>> e : others.entrySet()) {
            accumulator.reset();
            e.getValue().forEach(s -> accumulator.add(s.latency()));
            family.dataPoint(accumulator.toDataPoint(Labels.of("blocking_wait", String.valueOf(e.getKey()),
                    "syscall", OTHER, "target", target)));
        }
    }

    private void addProcesses(HistogramSnapshot.Builder family, String target, LatencySnapshot snapshot) {
        Set<Integer> named = namedProcesses.computeIfAbsent(target, t -> new LinkedHashSet<>());
        List<ProcessLatency> busiestFirst = snapshot.processes().stream().filter(p -> !p.isOther())
                .sorted(Comparator.comparingLong((ProcessLatency p) -> p.latency().count()).reversed()).toList();
        for (ProcessLatency p : busiestFirst) {
            if (named.size() >= maxProcessesPerTarget) {
                break;
            }
            named.add(p.tgid());
        }
        List<ProcessLatency> others = new ArrayList<>();
        for (ProcessLatency p : snapshot.processes()) {
            if (!p.isOther() && named.contains(p.tgid())) {
                accumulator.reset();
                accumulator.add(p.latency());
                family.dataPoint(accumulator.toDataPoint(Labels.of("pid", String.valueOf(p.tgid()), "target", target)));
            } else {
                others.add(p);
            }
        }
        if (!others.isEmpty()) {
            accumulator.reset();
            others.forEach(p -> accumulator.add(p.latency()));
            family.dataPoint(accumulator.toDataPoint(Labels.of("pid", OTHER, "target", target)));
        }
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, Unit unit, String help, double value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        return b.dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
