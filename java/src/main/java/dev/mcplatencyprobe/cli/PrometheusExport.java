package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.export.prometheus.LatencyCollector;
import dev.mcplatencyprobe.export.prometheus.OnDemand;
import dev.mcplatencyprobe.export.prometheus.ProbeState;
import dev.mcplatencyprobe.export.prometheus.PrometheusEndpoint;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --prometheus}: the CLI's side of the exporter. A scrape asks the consumer thread for a
 * whole-run snapshot, which it makes after its next drain ({@link #publishIfRequested}), so
 * nothing is computed between scrapes and the recorder keeps its single writer.
 */
final class PrometheusExport implements AutoCloseable {
    /** How long a scrape waits for the consumer's next drain before it takes the newest snapshot. */
    private static final long SCRAPE_WAIT_MS = 2_000;
    /** Processes with series of their own under --prometheus-per-process; the rest are pid="other". */
    static final int MAX_PROCESSES = 50;

    private final OnDemand<ProbeState> latest = new OnDemand<>();
    private final String target;
    private final long ringBytes;
    private PrometheusEndpoint endpoint;

    private PrometheusExport(String target, long ringBytes) {
        this.target = target;
        this.ringBytes = ringBytes;
    }

    /** Serves /metrics for the opened probe; an address that cannot be bound is a usage error (exit 2). */
    static PrometheusExport start(Options options, SyscallProbe probe, PrintStream err) throws Options.UsageException {
        PrometheusAddress address = options.prometheus();
        PrometheusExport export = new PrometheusExport(targetLabel(options, probe), options.ringBytes());
        LatencyCollector collector = LatencyCollector.builder()
                .source(export::scrape)
                .maxProcessesPerTarget(options.prometheusPerProcess() ? MAX_PROCESSES : 0)
                .info("btf_mode", probe.usesTaskStorage() ? "task_storage" : "tid_hash",
                        "kernel", System.getProperty("os.version"), "version", Main.version())
                .build();
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address.host());
        } catch (UnknownHostException e) {
            throw new Options.UsageException("--prometheus: unknown host '" + address.host() + "'");
        }
        try {
            export.endpoint = PrometheusEndpoint.start(ip, address.port(), collector);
        } catch (IOException e) {
            throw new Options.UsageException("--prometheus: cannot listen on " + address.display(address.port()) + " ("
                    + e.getMessage() + "): choose another port, or stop what uses it");
        }
        err.println("Serving Prometheus metrics on http://" + address.display(export.endpoint.port()) + "/metrics");
        return export;
    }

    private ProbeState scrape() {
        try {
            return latest.await(SCRAPE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** On the consumer thread, after a drain that emptied the ring: answers pending scrapes. */
    void publishIfRequested(LatencyRecorder recorder, SyscallProbe probe, long nowNs) {
        if (latest.isRequested()) {
            latest.publish(() -> {
                LossCounters loss = probe.lossCounters().withRecorded(recorder.recordedCount());
                long unread = Math.max(0, loss.unread());
                return new ProbeState(Map.of(target, recorder.sinceStart(nowNs, loss)), loss, unread,
                        SyscallProbe.ringBytesOf(unread), ringBytes);
            });
        }
    }

    /** The targets as the user named them, e.g. "unit:nginx.service,comm:dd": one label value per run. */
    static String targetLabel(Options options, SyscallProbe probe) {
        List<String> parts = new ArrayList<>();
        options.pids().forEach(p -> parts.add("pid:" + p));
        options.commands().forEach(c -> parts.add("comm:" + c));
        options.units().forEach(u -> parts.add("unit:" + u));
        options.userUnits().forEach(u -> parts.add("user-unit:" + u));
        options.cgroups().forEach(c -> parts.add("cgroup:" + c));
        if (options.all()) {
            parts.add("all");
        }
        if (!options.launch().isEmpty()) {
            parts.add("command:" + Path.of(options.launch().get(0)).getFileName());
        }
        return parts.isEmpty() ? "demo" : String.join(",", parts);
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
