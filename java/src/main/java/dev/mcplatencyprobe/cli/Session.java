package dev.mcplatencyprobe.cli;

import dev.mcplatencyprobe.binding.StartupMarks;
import dev.mcplatencyprobe.mcp.McpSnapshot;
import dev.mcplatencyprobe.mcp.McpTracker;
import dev.mcplatencyprobe.probe.Privileges;
import dev.mcplatencyprobe.probe.ProbeException;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.record.LatencyRecorder;
import dev.mcplatencyprobe.record.ProcessNames;
import dev.mcplatencyprobe.record.RecordingListener;
import dev.mcplatencyprobe.report.Durations;
import dev.mcplatencyprobe.report.HlogReport;
import dev.mcplatencyprobe.report.HtmlReport;
import dev.mcplatencyprobe.report.IntervalHistograms;
import dev.mcplatencyprobe.report.JsonReport;
import dev.mcplatencyprobe.report.McpReport;
import dev.mcplatencyprobe.report.SafeText;
import dev.mcplatencyprobe.report.TextReport;
import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import dev.mcplatencyprobe.snapshot.ProcessLatency;
import dev.mcplatencyprobe.targets.InvokingUser;
import dev.mcplatencyprobe.targets.LaunchedCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One run of the CLI: open the probe, record on its consumer thread, print interval reports,
 * and on stop (duration, Ctrl-C, the launched command's exit, the traced PIDs' exit) print the
 * final report for the whole run.
 */
final class Session {
    private static final Duration DEMO_DURATION = Duration.ofSeconds(5);
    /** How long a signal waits for the final report and the clean-up before the JVM exits anyway. */
    private static final long FINISH_TIMEOUT_S = 20;
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final ProcessNames names = new ProcessNames();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private String demoTargets; // what the demo traces, when there is no target of the user's
    // Reports are printed off the consumer thread: a slow terminal must not make the ring overflow.
    private final ExecutorService printer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "report-printer");
        t.setDaemon(true);
        return t;
    });
    private volatile String stopReason = "stopped";
    /** The run ends when the traced PIDs have exited: they are the only targets (SyscallProbe.Builder#tracesOnlyPids). */
    private boolean onlyPids;
    /** --mcp: fed on the consumer thread, read after it stopped. */
    private final McpTracker mcpTracker;

    Session(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.mcpTracker = options.mcp() ? new McpTracker() : null;
    }

    int run() throws Options.UsageException, InterruptedException {
        Path outDir = prepareOutDir();
        SyscallProbe.Builder probeBuilder = builder(); // the user's targets and settings
        boolean demo = !probeBuilder.hasTarget();
        Duration duration = options.duration() != null ? options.duration() : demo ? DEMO_DURATION : null;
        // From here a signal stops the run, and the JVM waits until everything below is cleaned up.
        Thread hook = new Thread(() -> {
            stopReason = "interrupted";
            stop.countDown();
            try {
                finished.await(FINISH_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        McpDemo mcp = null;
        try {
            if (demo) {
                Privileges.check(); // before starting servers that would only be stopped again
                Optional<Path> jars = McpDemo.findJars();
                if (jars.isPresent()) {
                    err.println("No target given: starting the reference MCP servers from " + jars.get() + " for a demo...");
                    mcp = McpDemo.start(jars.get(), launchUser().orElse(null));
                    demoTargets = "the MCP servers (PID " + mcp.pids().stream().map(String::valueOf)
                            .reduce((a, b) -> a + "," + b).orElse("") + ")";
                }
                err.println("Demo: tracing " + (mcp != null ? mcp.description()
                        : "a built-in demo workload (disk writes with fsync, sleeps, loopback TCP)")
                        + " for " + Durations.span(duration.toNanos()) + ". Give --pid, --unit, --user-unit, --comm,"
                        + " --cgroup, --all or -- COMMAND to trace your own.");
            }
            if (mcp != null) {
                mcp.pids().forEach(probeBuilder::pid);
                probeBuilder.followChildren(true);
            } else if (demo) {
                probeBuilder.launch(DemoWorkload.command(duration));
            }
            onlyPids = probeBuilder.tracesOnlyPids();
            try (SyscallProbe probe = probeBuilder.open()) {
                try {
                    if (mcp != null) {
                        mcp.startLoad(duration);
                    }
                    return trace(probe, duration, outDir);
                } finally {
                    probe.launched().filter(LaunchedCommand::isAlive).ifPresent(c -> c.process().destroy());
                }
            }
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "the demo could not start: " + e.getMessage(), e);
        } finally {
            if (mcp != null) {
                mcp.close();
            }
            names.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Stopped by a signal: the hook is running and has just been released.
            }
        }
    }

    private int trace(SyscallProbe probe, Duration duration, Path outDir) throws InterruptedException, Options.UsageException {
        long startNs = System.nanoTime();
        // The intervals' histograms, bounded, for the .hlog and the HTML report's plots over time.
        IntervalHistograms intervals = new IntervalHistograms(startNs, System.currentTimeMillis());
        LatencyRecorder recorder = new LatencyRecorder(LatencyRecorder.Config.defaults()
                .withIntervalNs(options.interval().toNanos())
                .withThresholdNs(options.threshold().toNanos()), startNs);
        // Before any output: an address that cannot be bound is the run's only line (exit 2).
        PrometheusExport prometheus = options.prometheus() == null ? null : PrometheusExport.start(options, probe, err);
        err.println("Attaching " + probe.programCount() + " probes...");
        String until = probe.launched().isPresent()
                ? (duration != null ? " until it exits, for at most " + Durations.span(duration.toNanos()) : " until it exits")
                : (duration != null ? " for " + Durations.span(duration.toNanos()) : "");
        String tracing = "Tracing syscalls of " + describeTargets(probe) + until + ". Hit Ctrl-C to end.";
        StartupMarks.mark("tracing");
        if (StartupMarks.enabled()) {
            err.println(StartupMarks.line()); // before the line a start-up timer waits for, which stops the run
        }
        err.println(tracing);
        RecordingListener listener = new RecordingListener(probe, recorder, names, s -> printer.execute(() -> {
            intervals.add(s);
            print(s); // printed off the consumer thread
        }), prometheus == null ? null : nowNs -> prometheus.publishIfRequested(recorder, probe, nowNs));
        probe.start(listener);
        probe.launched().ifPresent(this::stopWhenExits);

        waitForStop(probe, duration);
        long stopNs = System.nanoTime();
        LossCounters loss = listener.cutFinal(stopNs, RecordingListener.FINAL_CUT_TIMEOUT_NS);
        long[] payloadLoss = mcpTracker != null ? probe.payloadCounters() : null;
        probe.close(); // joins the consumer: the recorder is this thread's from here
        if (prometheus != null) {
            prometheus.close();
        }
        if (probe.consumerFailure().isPresent()) {
            throw new ProbeException(ProbeException.Kind.FAILED, "recording failed: " + probe.consumerFailure().get());
        }
        LatencySnapshot whole = recorder.finish(stopNs, loss);
        printer.shutdown();
        printer.awaitTermination(10, TimeUnit.SECONDS);

        String text = finalText(whole);
        String json = JsonReport.render(whole, names::name);
        McpSnapshot mcp = null;
        if (mcpTracker != null) {
            mcp = mcpTracker.finish(payloadLoss[1], payloadLoss[2]);
            text = text + '\n' + McpReport.text(mcp);
            json = McpReport.appendJson(json, mcp);
        }
        if (options.format() == Options.Format.JSON) {
            out.println(json);
        } else {
            out.print(text);
        }
        out.flush();
        if (outDir != null) {
            intervals.finish(whole);
            writeFiles(outDir, text, json, HtmlReport.render(whole, names::name, intervals, mcp), HlogReport.render(intervals));
        }
        int status = 0;
        if (probe.launched().isPresent()) {
            LaunchedCommand launched = probe.launched().get();
            if (!launched.isAlive()) {
                status = launched.process().exitValue();
                err.println("'" + SafeText.escape(String.join(" ", launched.argv())) + "' exited with status " + status);
            }
        }
        err.println("Stopped (" + stopReason + ") after " + Durations.span(stopNs - recorder.startNs())
                + ": " + whole.total().count() + " syscalls traced, " + loss.dropped() + " dropped"
                + (loss.unread() != 0 ? ", " + loss.unread() + " unread (still in the ring)" : "") + ".");
        return status;
    }

    private void waitForStop(SyscallProbe probe, Duration duration) throws InterruptedException {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (!stop.await(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() >= deadline) {
                stopReason = "duration reached";
                return;
            }
            if (probe.consumerFailure().isPresent()) {
                stopReason = "recording failed";
                return;
            }
            if (onlyPids && options.pids().stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))) {
                stopReason = "every traced process exited";
                return;
            }
        }
    }

    private void stopWhenExits(LaunchedCommand command) {
        Thread waiter = new Thread(() -> {
            try {
                command.waitFor();
                stopReason = "command exited";
                stop.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "launched-command-waiter");
        waiter.setDaemon(true);
        waiter.start();
    }

    private SyscallProbe.Builder builder() {
        SyscallProbe.Builder b = SyscallProbe.builder()
                .followChildren(options.followChildren())
                .ringBufferBytes(options.ringBytes())
                .verbose(options.verbose());
        if (mcpTracker != null) {
            b.mcp(mcpTracker);
        }
        options.pids().forEach(b::pid);
        options.commands().forEach(b::command);
        options.units().forEach(b::systemdUnit);
        options.userUnits().forEach(b::userUnit);
        b.defaultUnitUser(System.getenv("PROBE_USER")); // the probe unit's setting: whose units --user-unit UNIT means
        options.cgroups().forEach(b::cgroup);
        options.syscalls().forEach(b::syscall);
        launchUser().ifPresent(b::launchAs);
        if (options.all()) {
            b.all();
        }
        if (!options.launch().isEmpty()) {
            b.launch(options.launch());
        }
        return b;
    }

    /** Who runs what the probe starts: the sudo user, unless --as-root (or not run through sudo). */
    private Optional<InvokingUser> launchUser() {
        return options.asRoot() ? Optional.empty() : InvokingUser.fromSudo();
    }

    private String describeTargets(SyscallProbe probe) {
        List<String> parts = new ArrayList<>();
        if (!options.pids().isEmpty()) {
            parts.add("PID " + String.join(",", options.pids().stream().map(String::valueOf).toList()));
        }
        options.commands().forEach(c -> parts.add("command '" + SafeText.escape(c) + "'"));
        options.units().forEach(u -> parts.add("unit " + SafeText.escape(u)));
        options.userUnits().forEach(u -> parts.add("user unit " + SafeText.escape(u)));
        options.cgroups().forEach(c -> parts.add("cgroup " + SafeText.escape(c)));
        if (options.all()) {
            parts.add("every process");
        }
        if (demoTargets != null) {
            parts.add(demoTargets);
        }
        probe.launched().ifPresent(c -> parts.add("'" + SafeText.escape(String.join(" ", c.argv())) + "' (PID " + c.pid() + ") and its children"));
        String targets = String.join(", ", parts);
        return options.followChildren() && probe.launched().isEmpty() ? targets + " and their children" : targets;
    }

    private void print(LatencySnapshot snapshot) {
        if (options.format() == Options.Format.JSON) {
            out.println(JsonReport.render(snapshot, names::name));
        } else {
            out.print(TextReport.render(snapshot, names::name));
            out.println();
        }
        out.flush();
    }

    private String finalText(LatencySnapshot whole) {
        StringBuilder text = new StringBuilder(TextReport.render(whole, names::name));
        if (options.perProcess() && whole.processes().size() > 0) {
            for (ProcessLatency p : whole.processes()) {
                if (p.tgid() <= 0) {
                    continue; // the row that groups processes beyond the recorder's limit
                }
                text.append('\n').append(TextReport.render(whole.forProcesses(names.label(p.tgid()), p.tgid()), names::name));
            }
        }
        return text.toString();
    }

    private Path prepareOutDir() throws Options.UsageException {
        Path dir = options.outDir();
        if (dir == null) {
            return null;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Options.UsageException("--out " + dir + " is a file, not a directory");
        }
        try {
            dir = ReportFiles.createDirectories(dir); // no symlink followed that someone else planted
        } catch (IOException e) {
            throw new Options.UsageException("cannot create the --out directory " + dir + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new Options.UsageException("--out directory " + dir + " is not writable");
        }
        return dir;
    }

    private void writeFiles(Path dir, String text, String json, String html, String hlog) {
        String base = "ebpf_mcp_latency_" + LocalDateTime.now().format(FILE_TIME);
        try {
            // Never through a planted symlink, never over an earlier report: see ReportFiles.
            Path txt = ReportFiles.write(dir, base, "txt", text);
            String written = ReportFiles.baseOf(txt, "txt");
            ReportFiles.write(dir, written, "json", json + "\n");
            ReportFiles.write(dir, written, "html", html);
            ReportFiles.write(dir, written, "hlog", hlog);
            err.println("Report written to " + txt + " (and .json, .html, .hlog)");
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }
}
