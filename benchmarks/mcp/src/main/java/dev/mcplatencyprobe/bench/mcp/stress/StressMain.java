package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.UsageException;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code java -jar mcp-stress.jar (--url URL | --stdio COMMAND)... [options]}: the MCP workload's
 * load generator. Table on stdout, progress on stderr, optionally the same summary as JSON.
 */
public final class StressMain {
    static final int EXIT_OK = 0;
    static final int EXIT_CANNOT_RUN = 1;
    static final int EXIT_UNEXPECTED_ERRORS = 3;
    /** Answers may still arrive this long after --timeout before a request counts as abandoned. */
    private static final long DRAIN_GRACE_NANOS = 2_000_000_000L;
    private static final long CLOSE_WAIT_NANOS = 3_000_000_000L;

    private StressMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the stress test; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(StressOptions.USAGE);
            return EXIT_OK;
        }
        StressOptions options;
        try {
            options = StressOptions.parse(args);
        } catch (UsageException e) {
            err.println("mcp-stress: " + e.getMessage());
            return UsageException.EXIT_USAGE;
        }
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "mcp-stress-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Http1Loop> loops = new ArrayList<>();
        AtomicInteger nextLoop = new AtomicInteger();
        Supplier<Http1Loop> loopChooser = () -> loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        List<Target> targets = new ArrayList<>();
        try {
            for (int i = 0; i < options.threads(); i++) {
                loops.add(new Http1Loop("mcp-stress-http-" + (i + 1)));
            }
            Set<String> names = new HashSet<>();
            for (StressOptions.TargetSpec spec : options.targets()) {
                Target t = Target.connect(spec, loopChooser, workers, options.timeout(), options.mix(), names, options.callFiles());
                targets.add(t);
                reportChoices(t, err);
            }
            checkEveryCallFileUsed(options, targets);
            return drive(options, targets, workers, out, err);
        } catch (Target.SetupException e) {
            err.println("mcp-stress: " + e.getMessage());
            return EXIT_CANNOT_RUN;
        } catch (IOException e) {
            err.println("mcp-stress: " + e.getMessage());
            return EXIT_CANNOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mcp-stress: interrupted");
            return EXIT_CANNOT_RUN;
        } finally {
            for (Target t : targets) {
                t.shutdown();
            }
            loops.forEach(Http1Loop::close);
            workers.shutdownNow();
        }
    }

    /** Says on stderr which tools are driven how, and which are left out and why: nothing skipped silently. */
    private static void reportChoices(Target t, PrintStream err) {
        CallTemplates f = t.calls.templates();
        if (f != null) {
            err.println("mcp-stress: " + t.name + ": tools/call follows " + f.file() + " (" + f.cycle().size() + " steps)");
        }
        for (String s : t.calls.skipped()) {
            err.println("mcp-stress: " + t.name + ": not calling " + s);
        }
    }

    private static void checkEveryCallFileUsed(StressOptions o, List<Target> targets) throws Target.SetupException {
        for (CallTemplates f : o.callFiles()) {
            if (targets.stream().noneMatch(t -> t.calls.templates() == f)) {
                throw new Target.SetupException("--calls " + f.file() + " applies to none of the servers ("
                        + String.join(", ", targets.stream().map(t -> t.name).toList()) + ")");
            }
        }
    }

    private static int drive(StressOptions o, List<Target> targets, ExecutorService workers, PrintStream out, PrintStream err)
            throws InterruptedException, IOException {
        long seed = o.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        Tally setup = newTally(targets);
        LoadGenerator gen = new LoadGenerator(targets, o.concurrency(), seed, workers, setup);
        int failedOpens = gen.openAll();
        if (failedOpens == o.concurrency()) {
            err.println("mcp-stress: no session could be opened: " + String.join("; ", topSamples(gen, 1)));
            return EXIT_CANNOT_RUN;
        }
        long openedAtStart = setup.sessionsOpened.sum() + targets.stream().filter(Target::sharedSession).count();

        Instant startedAt = Instant.now();
        long warmupNanos = o.warmup().toNanos();
        long durationNanos = o.duration().toNanos();
        long loadStart = System.nanoTime();
        long measureStart = loadStart + warmupNanos;
        long measureEnd = measureStart + durationNanos;
        Tally measured = newTally(targets);
        Progress progress = new Progress(o, gen, err, loadStart, measureStart, measureEnd);
        progress.current = warmupNanos > 0 ? newTally(targets) : measured;
        gen.switchTally(progress.current);

        if (o.openLoop()) {
            gen.startOpenLoop(o.rate().getAsDouble(), loadStart, measureEnd, o.maxInFlight());
        } else {
            gen.startClosedLoop();
        }
        progress.start();
        sleepUntil(measureStart);
        gen.switchTally(measured);
        progress.current = measured;
        long cpuStart = CpuClock.selfNanos();
        Map<Long, OptionalLong> serverStart = serverCpu(targets, o.serverPids());

        sleepUntil(measureEnd);
        gen.stop();
        int left = gen.awaitQuiet(o.timeout().toNanos() + DRAIN_GRACE_NANOS);
        measured.abandoned.add(left);
        long cpuEnd = CpuClock.selfNanos();
        Map<Long, OptionalLong> serverEnd = serverCpu(targets, o.serverPids());
        long wallEnd = System.nanoTime();
        progress.finish();
        measured.collectInterval();
        gen.closeAll(CLOSE_WAIT_NANOS);

        List<Summary.TargetInfo> infos = new ArrayList<>();
        long serversTotal = 0;
        boolean anyServerKnown = false;
        long stray = 0;
        for (Target t : targets) {
            OptionalLong cpu = delta(t.pids(), serverStart, serverEnd);
            if (cpu.isPresent()) {
                serversTotal += cpu.getAsLong();
                anyServerKnown = true;
            }
            stray += t.strayStdoutLines();
            infos.add(new Summary.TargetInfo(t.name, t.spec.transport(), t.spec.endpoint(), t.calls.callable(), t.calls.skipped(),
                    t.calls.templates() == null ? null : t.calls.templates().file().toString(),
                    List.copyOf(t.pids()), cpu));
        }
        Map<Long, Long> extra = new TreeMap<>();
        for (Long pid : o.serverPids()) {
            if (targets.stream().noneMatch(t -> t.pids().contains(pid))) {
                OptionalLong cpu = delta(Set.of(pid), serverStart, serverEnd);
                if (cpu.isPresent()) {
                    extra.put(pid, cpu.getAsLong());
                    serversTotal += cpu.getAsLong();
                    anyServerKnown = true;
                }
            }
        }
        Summary.Cpu cpu = new Summary.Cpu((wallEnd - measureStart) / 1e9, cpuEnd - cpuStart,
                anyServerKnown ? OptionalLong.of(serversTotal) : OptionalLong.empty(), extra);
        Map<String, Long> samples = new LinkedHashMap<>();
        gen.errorSamples().forEach((k, v) -> samples.put(k, v.sum()));
        Summary summary = Summary.of(o, seed, startedAt, durationNanos / 1e9, measured, openedAtStart, infos, cpu, stray, samples);

        out.print(TextReport.render(summary));
        out.flush();
        if (o.jsonReport().isPresent()) {
            Path file = o.jsonReport().get();
            try {
                Files.writeString(file, JsonReport.render(summary), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
        return summary.errors().total() > 0 ? EXIT_UNEXPECTED_ERRORS : EXIT_OK;
    }

    private static Tally newTally(List<Target> targets) {
        Tally t = new Tally();
        for (Target target : targets) {
            t.addServer(target.name, target.calls.callable());
        }
        return t;
    }

    /** CPU time now of every known server PID (with its descendants). */
    private static Map<Long, OptionalLong> serverCpu(List<Target> targets, List<Long> extra) {
        Map<Long, OptionalLong> m = new TreeMap<>();
        for (Target t : targets) {
            for (Long pid : t.pids()) {
                m.put(pid, CpuClock.treeNanos(pid));
            }
        }
        for (Long pid : extra) {
            m.put(pid, CpuClock.treeNanos(pid));
        }
        return m;
    }

    /** CPU used by {@code pids} between the two readings; empty if any of them could not be read. */
    private static OptionalLong delta(Set<Long> pids, Map<Long, OptionalLong> start, Map<Long, OptionalLong> end) {
        if (pids.isEmpty()) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (Long pid : pids) {
            OptionalLong a = start.getOrDefault(pid, OptionalLong.empty());
            OptionalLong b = end.getOrDefault(pid, OptionalLong.empty());
            if (a.isEmpty() || b.isEmpty()) {
                return OptionalLong.empty();
            }
            sum += b.getAsLong() - a.getAsLong();
        }
        return OptionalLong.of(sum);
    }

    private static List<String> topSamples(LoadGenerator gen, int n) {
        List<String> l = new ArrayList<>();
        gen.errorSamples().entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .limit(n)
                .forEach(e -> l.add(e.getKey()));
        return l.isEmpty() ? List.of("no answer") : l;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
    }

    /** The once-per-interval line on stderr; the only thread that collects interval histograms while the run goes. */
    private static final class Progress {
        private final StressOptions o;
        private final LoadGenerator gen;
        private final PrintStream err;
        private final long loadStart;
        private final long measureStart;
        private final long measureEnd;
        private final Thread thread;
        volatile Tally current;
        private volatile boolean done;

        Progress(StressOptions o, LoadGenerator gen, PrintStream err, long loadStart, long measureStart, long measureEnd) {
            this.o = o;
            this.gen = gen;
            this.err = err;
            this.loadStart = loadStart;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.thread = new Thread(this::loop, "mcp-stress-progress");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void finish() throws InterruptedException {
            done = true;
            thread.interrupt();
            thread.join();
        }

        private void loop() {
            // Quiet runs still collect once a second, so the recorders' interval histograms stay small.
            long every = o.progressEvery().isZero() ? 1_000_000_000L : o.progressEvery().toNanos();
            long last = System.nanoTime();
            long next = loadStart + every;
            while (!done) {
                try {
                    sleepUntil(next);
                } catch (InterruptedException e) {
                    return;
                }
                next += every;
                Tally t = current;
                Histogram h = t.collectInterval();
                long now = System.nanoTime();
                if (!o.progressEvery().isZero()) {
                    err.println(line(t, h, now, now - last));
                }
                last = now;
            }
        }

        private String line(Tally t, Histogram h, long now, long intervalNanos) {
            String when = now < measureStart
                    ? String.format(Locale.ROOT, "warm-up %ds/%ds", (now - loadStart) / 1_000_000_000L, (measureStart - loadStart) / 1_000_000_000L)
                    : String.format(Locale.ROOT, "%ds/%ds", (Math.min(now, measureEnd) - measureStart) / 1_000_000_000L,
                    (measureEnd - measureStart) / 1_000_000_000L);
            double rate = h.getTotalCount() / (intervalNanos / 1e9);
            return String.format(Locale.ROOT, "mcp-stress: [%s] %.0f req/s, p50 %s ms, p99 %s ms, max %s ms, in flight %d, unexpected errors %d",
                    when, rate, TextReport.ms(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50)),
                    TextReport.ms(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99)), TextReport.ms(h.getMaxValue()),
                    gen.inFlight(), t.unexpectedErrors());
        }
    }
}
