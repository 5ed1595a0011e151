package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One server under test, after the stress test has shaken hands with it once: its name (from
 * serverInfo), the tool calls it can be sent, the mix that applies to it, and the PIDs whose CPU
 * time is its cost. Over HTTP each virtual user gets its own session; over stdio the spawned
 * process is the one session everybody shares.
 */
final class Target {
    static final String CLIENT_NAME = "mcp-stress";
    static final String CLIENT_VERSION = "0.1.0";

    final StressOptions.TargetSpec spec;
    final String name;
    final ToolCalls calls;
    final Mix mix;
    private final Set<Long> pids;
    private final StdioSession process;
    private final Supplier<Http1Loop> loops;
    private final Executor stdioContinuations;
    private final URI uri;
    private final Duration timeout;

    private Target(StressOptions.TargetSpec spec, String name, ToolCalls calls, Mix mix, Set<Long> pids,
                   StdioSession process, Supplier<Http1Loop> loops, Executor stdioContinuations, URI uri, Duration timeout) {
        this.spec = spec;
        this.name = name;
        this.calls = calls;
        this.mix = mix;
        this.pids = pids;
        this.process = process;
        this.loops = loops;
        this.stdioContinuations = stdioContinuations;
        this.uri = uri;
        this.timeout = timeout;
    }

    /** Why a target cannot be driven: one line for the user. */
    static final class SetupException extends Exception {
        SetupException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Starts (stdio) or reaches (HTTP) the server and runs initialize, notifications/initialized and
     * tools/list once; {@code takenNames} makes the name unique when one server kind runs twice.
     */
    static Target connect(StressOptions.TargetSpec spec, Supplier<Http1Loop> loops, Executor stdioContinuations,
                          Duration timeout, Mix mix, Set<String> takenNames) throws SetupException {
        return connect(spec, loops, stdioContinuations, timeout, mix, takenNames, List.of());
    }

    /** As above; the first of {@code callFiles} that applies to this server (see {@link #chooseCalls}) drives its tools/call. */
    static Target connect(StressOptions.TargetSpec spec, Supplier<Http1Loop> loops, Executor stdioContinuations,
                          Duration timeout, Mix mix, Set<String> takenNames, List<CallTemplates> callFiles) throws SetupException {
        StdioSession process = null;
        McpSession session;
        URI uri = null;
        if (spec.stdio()) {
            try {
                process = StdioSession.start(spec.endpoint(), timeout);
            } catch (IOException e) {
                throw new SetupException("cannot start '" + spec.endpoint() + "': " + e.getMessage());
            }
            session = process;
        } else {
            uri = URI.create(spec.endpoint());
            session = new HttpSession(loops.get(), uri, timeout);
        }
        try {
            Reply init = await(session.request("initialize", JsonRpc.initializeParams(CLIENT_NAME, CLIENT_VERSION)));
            if (!init.isResult()) {
                throw new SetupException(spec.endpoint() + ": initialize failed: " + init.describe() + stderrHint(process));
            }
            String sent = await(session.notification("notifications/initialized"));
            if (sent != null) {
                throw new SetupException(spec.endpoint() + ": notifications/initialized failed: " + sent);
            }
            Reply list = await(session.request("tools/list", null));
            if (!list.isResult()) {
                throw new SetupException(spec.endpoint() + ": tools/list failed: " + list.describe());
            }
            ToolCalls calls;
            try {
                calls = ToolCalls.from(list.result(), chooseCalls(callFiles, serverName(init.result()), list.result()));
            } catch (IllegalArgumentException e) {
                throw new SetupException(spec.endpoint() + ": " + e.getMessage());
            }
            if (calls.callable().isEmpty()) {
                throw new SetupException(spec.endpoint() + ": offers no tool this stress test can call"
                        + (calls.skipped().isEmpty() ? "" : " (they all need arguments it cannot make up: " + calls.skipped() + ")"));
            }
            if (!spec.stdio()) {
                await(session.close());
            }
            String base = serverName(init.result());
            String name = base;
            for (int i = 2; takenNames.contains(name); i++) {
                name = base + "#" + i;
            }
            takenNames.add(name);
            Set<Long> pids = new TreeSet<>();
            if (process != null) {
                pids.add(process.pid());
            } else if (isLoopback(uri.getHost())) {
                pids.addAll(ListeningPids.forPort(uri.getPort() > 0 ? uri.getPort() : 80));
            }
            return new Target(spec, name, calls, spec.stdio() ? mix.withoutNewSessions() : mix, pids, process, loops,
                    stdioContinuations, uri, timeout);
        } catch (SetupException e) {
            if (process != null) {
                process.close();
            }
            throw e;
        }
    }

    /**
     * The calls file for a server: the first that names it in "server", else the first without a
     * "server" whose tools the server all offers; null if none. A file naming the server whose
     * tools it lacks is still chosen, so the mismatch is reported rather than silently ignored.
     */
    static CallTemplates chooseCalls(List<CallTemplates> files, String serverName, JsonNode toolsList) {
        for (CallTemplates f : files) {
            if (f.named(serverName)) {
                return f;
            }
        }
        Set<String> offered = new TreeSet<>();
        toolsList.path("tools").forEach(t -> offered.add(t.path("name").asString("")));
        for (CallTemplates f : files) {
            if (f.appliesTo(serverName) && f.cycle().stream().allMatch(step -> offered.contains(step.tool()))) {
                return f;
            }
        }
        return null;
    }

    private static String serverName(JsonNode initResult) {
        String n = initResult.path("serverInfo").path("name").asString("");
        return n.isBlank() ? "server" : n.trim().replaceAll("\\s+", "-");
    }

    private static String stderrHint(StdioSession process) {
        if (process == null) {
            return "";
        }
        List<String> tail = process.stderrTail();
        return tail.isEmpty() ? "" : " (its stderr: " + tail.get(tail.size() - 1) + ")";
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    private static <T> T await(CompletableFuture<T> f) throws SetupException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted");
        } catch (ExecutionException e) {
            throw new SetupException(String.valueOf(e.getCause()));
        }
    }

    /** A session for one user: a new HTTP session, or the shared stdio process. */
    McpSession newSession() {
        return process != null ? process : new HttpSession(loops.get(), uri, timeout);
    }

    /**
     * Where a user's next step runs when an answer arrives. HTTP: right on the loop thread that
     * completed it (sending from there costs no wake-up). stdio: on a worker, never on the reader
     * thread, which must keep reading while a write to a full pipe blocks.
     */
    Executor continuations() {
        return process != null ? stdioContinuations : Runnable::run;
    }

    boolean sharedSession() {
        return process != null;
    }

    /** PIDs found at setup (stdio child, or the process listening on a loopback URL's port). */
    Set<Long> pids() {
        return pids;
    }

    /** False once a stdio server this target started has exited; HTTP targets are never given up. */
    boolean alive() {
        return process == null || process.alive();
    }

    /** Lines a stdio server wrote to stdout that were not JSON-RPC: each is a protocol violation. */
    long strayStdoutLines() {
        return process == null ? 0 : process.strayLines();
    }

    /** Stops what this target started (a stdio process); HTTP servers are left running. */
    void shutdown() {
        if (process != null) {
            process.close();
        }
    }
}
