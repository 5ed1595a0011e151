package dev.mcplatencyprobe.bench.mcp.stress;

import dev.mcplatencyprobe.bench.mcp.cli.ArgCursor;
import dev.mcplatencyprobe.bench.mcp.cli.UsageException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A stress run as the command line describes it. Immutable.
 *
 * @param targets        servers to drive, in order (each an HTTP URL or a stdio command)
 * @param duration       how long the measured part runs
 * @param warmup         how long the mix runs first with its numbers thrown away
 * @param concurrency    closed loop: virtual users; open loop: sessions the arrivals are spread over
 * @param rate           open loop: arrivals per second (all targets together); empty = closed loop
 * @param timeout        per request
 * @param mix            the operation weights
 * @param seed           for every random choice; empty = a random seed (printed in the report)
 * @param serverPids     extra PIDs whose CPU time counts as the servers'
 * @param jsonReport     where to write the summary as JSON, if anywhere
 * @param progressEvery  how often to print a progress line on stderr; zero = never
 * @param maxInFlight    open loop: arrivals beyond this many unanswered requests are counted unsent
 * @param threads        HTTP event loops (and stdio workers) that send requests and handle answers
 * @param callFiles      --calls files: tools/call cycles for the servers they apply to
 */
record StressOptions(
        List<TargetSpec> targets,
        Duration duration,
        Duration warmup,
        int concurrency,
        OptionalDouble rate,
        Duration timeout,
        Mix mix,
        OptionalLong seed,
        List<Long> serverPids,
        Optional<Path> jsonReport,
        Duration progressEvery,
        int maxInFlight,
        int threads,
        List<CallTemplates> callFiles) {

    /** One server to drive. */
    record TargetSpec(String endpoint, boolean stdio) {
        String transport() {
            return stdio ? "stdio" : "http";
        }
    }

    static final int MAX_CONCURRENCY = 10_000;
    static final double MAX_RATE = 1_000_000;

    static final String USAGE = """
            usage: java -jar mcp-stress.jar (--url URL | --stdio COMMAND)... [options]

            Drives MCP servers with a realistic mix and reports client-side latency per method.
            Each virtual user keeps a long-lived session (initialize, notifications/initialized,
            tools/list, then many requests); its requests are drawn from the mix, by default
            ~83.5% tools/call across the server's tools, 5% tools/list, 5% ping, 1.5% deliberately
            bad calls (unknown tool, arguments that break the schema) and 5% new sessions.

            targets (at least one, repeatable; users are spread over them round-robin):
              --url URL             a Streamable HTTP endpoint, e.g. http://127.0.0.1:8701/mcp
              --stdio COMMAND       spawn COMMAND (run by /bin/sh) and speak MCP on its stdin/stdout;
                                    the process is one shared session, so stdio gets no new sessions

            load:
              --duration D          measured time (default 10s; D like 30, 30s, 500ms, 2m)
              --warmup D            run the mix first for D, numbers discarded (default 0)
              --concurrency N       closed loop: N virtual users, each waits for its answer (default 10)
              --rate R              open loop instead: R requests/s in total on a fixed schedule, latency
                                    counted from each request's scheduled start (no coordinated omission);
                                    --concurrency then sets how many sessions carry them
              --max-in-flight N     open loop: arrivals beyond N unanswered requests are counted as
                                    unsent errors (default 10000)
              --timeout D           per request (default 10s)
              --mix SPEC            weights, default call=83.5,list=5,ping=5,bad=1.5,session=5
              --seed N              seed for the mix's random choices (default: random, printed)
              --calls FILE          tools/call cycles from a JSON file for servers whose tools need
                                    arguments with meaning (repeatable; see benchmarks/mcp/calls/);
                                    without one, each tool's arguments are generated from its
                                    inputSchema, and tools whose schema cannot be satisfied are skipped
              --threads N           HTTP event-loop threads, and stdio worker threads (default 1)

            output:
              --json FILE           also write the summary as JSON to FILE
              --server-pid PID      count PID's CPU time as server time (repeatable); stdio servers and
                                    servers listening on a loopback URL's port are found without it
              --progress D          progress line on stderr every D (default 1s; 0 = none)
              --quiet               same as --progress 0
              -h, --help            this text

            stdout gets the summary table. Exit codes: 0 done without unexpected errors; 3 done, but
            with unexpected errors (report written); 1 could not run (a target did not answer
            initialize); 2 bad usage.
            """;

    static StressOptions parse(String[] args) throws UsageException {
        List<TargetSpec> targets = new ArrayList<>();
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ZERO;
        int concurrency = 10;
        OptionalDouble rate = OptionalDouble.empty();
        Duration timeout = Duration.ofSeconds(10);
        Mix mix = Mix.defaults();
        OptionalLong seed = OptionalLong.empty();
        List<Long> pids = new ArrayList<>();
        Optional<Path> json = Optional.empty();
        Duration progress = Duration.ofSeconds(1);
        int maxInFlight = 10_000;
        int threads = 1;
        List<CallTemplates> callFiles = new ArrayList<>();

        ArgCursor c = new ArgCursor(args);
        while (c.hasNext()) {
            String opt = c.nextOption();
            switch (opt) {
                case "--url" -> targets.add(new TargetSpec(checkUrl(c.value()), false));
                case "--stdio" -> {
                    String cmd = c.value();
                    if (cmd.isBlank()) {
                        throw new UsageException("--stdio needs a command, e.g. --stdio \"java -jar mcp-servers.jar thinking\"");
                    }
                    targets.add(new TargetSpec(cmd.trim(), true));
                }
                case "--duration" -> duration = positive("--duration", c.durationValue());
                case "--warmup" -> warmup = c.durationValue();
                case "--concurrency" -> concurrency = c.intValue(1, MAX_CONCURRENCY);
                case "--rate" -> rate = OptionalDouble.of(parseRate(c.value()));
                case "--max-in-flight" -> maxInFlight = c.intValue(1, 1_000_000);
                case "--timeout" -> timeout = positive("--timeout", c.durationValue());
                case "--mix" -> mix = Mix.parse(c.value());
                case "--seed" -> {
                    String v = c.value();
                    try {
                        seed = OptionalLong.of(Long.parseLong(v.trim()));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--seed: '" + v + "' is not a whole number");
                    }
                }
                case "--threads" -> threads = c.intValue(1, 64);
                case "--calls" -> callFiles.add(CallTemplates.load(Path.of(c.value())));
                case "--json" -> json = Optional.of(Path.of(c.value()));
                case "--server-pid" -> pids.add((long) c.intValue(1, Integer.MAX_VALUE));
                case "--progress" -> progress = c.durationValue();
                case "--quiet" -> {
                    c.noValue();
                    progress = Duration.ZERO;
                }
                default -> throw new UsageException("unknown option '" + opt + "' (see --help)");
            }
        }
        if (targets.isEmpty()) {
            throw new UsageException("no target: give --url URL or --stdio COMMAND (see --help)");
        }
        if (!progress.isZero() && progress.toMillis() < 100) {
            throw new UsageException("--progress: at least 100ms (or 0 for none)");
        }
        return new StressOptions(List.copyOf(targets), duration, warmup, concurrency, rate, timeout, mix, seed,
                List.copyOf(pids), json, progress, maxInFlight, threads, List.copyOf(callFiles));
    }

    boolean openLoop() {
        return rate.isPresent();
    }

    private static Duration positive(String what, Duration d) throws UsageException {
        if (d.isZero()) {
            throw new UsageException(what + " must be more than 0");
        }
        return d;
    }

    private static double parseRate(String text) throws UsageException {
        try {
            double r = Double.parseDouble(text.trim());
            if (!(r > 0) || r > MAX_RATE) {
                throw new UsageException("--rate: " + text + " is out of range (more than 0, at most " + (long) MAX_RATE + " per second)");
            }
            return r;
        } catch (NumberFormatException e) {
            throw new UsageException("--rate: '" + text + "' is not a number of requests per second");
        }
    }

    private static String checkUrl(String text) throws UsageException {
        try {
            URI u = new URI(text.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                throw new UsageException("--url: https is not supported; the stress test speaks plain HTTP to servers on this host");
            }
            if (!scheme.equals("http") || u.getHost() == null) {
                throw new UsageException("--url: '" + text + "' is not an http:// URL (e.g. http://127.0.0.1:8701/mcp)");
            }
            return u.toString();
        } catch (URISyntaxException e) {
            throw new UsageException("--url: '" + text + "' is not a URL (e.g. http://127.0.0.1:8701/mcp)");
        }
    }
}
