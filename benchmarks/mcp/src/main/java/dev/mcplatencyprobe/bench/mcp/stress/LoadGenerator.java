package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the workload: asynchronous requests on {@link Lane}s (a target, a session and a random
 * stream).
 *
 * <p>Closed loop: one lane per virtual user; a user sends its next request when the last one is
 * answered. Open loop: a scheduler thread sends request i at {@code start + i / rate} on lane
 * {@code i mod lanes}, whether or not earlier ones are answered, and latency runs from that
 * scheduled time: a server that stalls is charged for every request it delayed (no coordinated
 * omission).
 *
 * <p>Each operation is counted, whole, in the {@link Tally} that was current when it started.
 */
final class LoadGenerator {
    private static final long REOPEN_BACKOFF_MS = 100;
    private static final int ERROR_SAMPLES_KEPT = 50;

    private final Executor workers;
    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, LongAdder> errorSamples = new ConcurrentHashMap<>();
    private volatile Tally tally;
    private volatile boolean stopping;
    private CountDownLatch usersDone;
    private Thread scheduler;

    /** A session on a target, with the random stream and thought chain of whoever uses it. */
    final class Lane {
        final Target target;
        final SplittableRandom random;
        final ToolCalls.Chain chain = new ToolCalls.Chain();
        volatile McpSession session;
        final AtomicBoolean reopening = new AtomicBoolean();

        Lane(Target target, SplittableRandom random) {
            this.target = target;
            this.random = random;
        }
    }

    LoadGenerator(List<Target> targets, int lanes, long seed, Executor workers, Tally tally) {
        this.workers = workers;
        this.tally = tally;
        SplittableRandom root = new SplittableRandom(seed);
        // ${session} in calls files: unique per user, and per run (two runs on one server do not collide).
        String run = Long.toString(root.nextLong() >>> 28, 36);
        for (int i = 0; i < lanes; i++) {
            Lane lane = new Lane(targets.get(i % targets.size()), root.split());
            lane.chain.session = "u" + (i + 1) + "-" + run;
            this.lanes.add(lane);
        }
    }

    /** Operations that start from now on count into {@code next}. */
    void switchTally(Tally next) {
        this.tally = next;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The most frequent unexpected-error descriptions, "server row: what", with counts. */
    Map<String, LongAdder> errorSamples() {
        return errorSamples;
    }

    /** Opens every lane's session (stdio lanes share their process); returns how many failed. */
    int openAll() throws InterruptedException {
        List<CompletableFuture<Boolean>> opens = new ArrayList<>();
        for (Lane lane : lanes) {
            opens.add(lane.target.sharedSession() ? CompletableFuture.completedFuture(shareProcess(lane))
                    : openSession(lane, System.nanoTime(), tally));
        }
        int failed = 0;
        for (CompletableFuture<Boolean> f : opens) {
            try {
                if (!f.get()) {
                    failed++;
                }
            } catch (ExecutionException e) {
                failed++;
            }
        }
        return failed;
    }

    private boolean shareProcess(Lane lane) {
        lane.session = lane.target.newSession();
        return true;
    }

    // ---------------------------------------------------------------- closed loop

    /** Starts every lane as a virtual user; they run until {@link #stop()}. */
    void startClosedLoop() {
        usersDone = new CountDownLatch(lanes.size());
        for (Lane lane : lanes) {
            workers.execute(() -> step(lane));
        }
    }

    private void step(Lane lane) {
        if (stopping) {
            usersDone.countDown();
            return;
        }
        if (!lane.target.alive()) {
            // Every request would fail at once: stop this user instead of spinning.
            sample(lane.target.name + ": the server is gone, its users stopped");
            usersDone.countDown();
            return;
        }
        CompletableFuture<?> next;
        try {
            if (lane.session == null) {
                next = CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(REOPEN_BACKOFF_MS, TimeUnit.MILLISECONDS, workers))
                        .thenCompose(v -> openSession(lane, System.nanoTime(), tally));
            } else {
                next = perform(lane, lane.target.mix.draw(lane.random), System.nanoTime(), tally);
            }
        } catch (RuntimeException e) {
            sample(lane.target.name + " internal: " + e);
            usersDone.countDown();
            return;
        }
        next.whenCompleteAsync((v, ex) -> step(lane), lane.target.continuations());
    }

    /** Tells users and scheduler to send nothing more. */
    void stop() {
        stopping = true;
        if (scheduler != null) {
            LockSupport.unpark(scheduler);
        }
    }

    /**
     * Waits until every user has stopped (closed loop) or the scheduler has stopped (open loop) and
     * nothing is in flight, at most {@code maxWaitNanos}; returns how many requests are left unanswered.
     */
    int awaitQuiet(long maxWaitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        if (usersDone != null) {
            usersDone.await(maxWaitNanos, TimeUnit.NANOSECONDS);
        }
        if (scheduler != null) {
            scheduler.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return inFlight.get();
    }

    // ---------------------------------------------------------------- open loop

    /** Starts the scheduler: {@code rate} arrivals per second from {@code startNanos} until {@code endNanos}. */
    void startOpenLoop(double rate, long startNanos, long endNanos, int maxInFlight) {
        scheduler = new Thread(() -> {
            for (long i = 0; !stopping; i++) {
                long intended = startNanos + (long) (i * 1e9 / rate);
                if (intended - endNanos >= 0) {
                    break;
                }
                long wait;
                while (!stopping && (wait = intended - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (stopping) {
                    break;
                }
                Tally t = tally;
                if (inFlight.get() >= maxInFlight) {
                    t.unsent.increment();
                    continue;
                }
                Lane lane = lanes.get((int) (i % lanes.size()));
                try {
                    Operation op = lane.target.mix.draw(lane.random);
                    if (op == Operation.NEW_SESSION) {
                        // A short-lived extra session; the lane keeps its own for the requests after it.
                        Lane extra = new Lane(lane.target, lane.random.split());
                        openSession(extra, intended, t).thenCompose(ok -> ok ? closeSession(extra, t) : CompletableFuture.completedFuture(null));
                    } else if (lane.session != null) {
                        perform(lane, op, intended, t);
                    } else if (lane.reopening.compareAndSet(false, true)) {
                        // The lane lost its session: this arrival reopens it.
                        openSession(lane, intended, t).whenComplete((ok, ex) -> lane.reopening.set(false));
                    } else {
                        t.unsent.increment();
                    }
                } catch (RuntimeException e) {
                    sample(lane.target.name + " internal: " + e);
                }
            }
        }, "open-loop-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    // ---------------------------------------------------------------- operations

    /**
     * One operation on the lane's session, latency counted from {@code startNanos}, counted in
     * {@code into}: the tally current when the operation started, so an operation that straddles the
     * end of the warm-up is counted whole in the warm-up, never half in each.
     */
    private CompletableFuture<?> perform(Lane lane, Operation op, long startNanos, Tally into) {
        Target t = lane.target;
        McpSession s = lane.session;
        return switch (op) {
            case TOOL_CALL -> {
                ObjectNode params;
                synchronized (lane.chain) {
                    params = t.calls.next(lane.chain, lane.random);
                }
                yield send(into, lane, s, "tools/call", params, Tally.CALL_PREFIX + params.get("name").asString(), false, startNanos);
            }
            case TOOLS_LIST -> send(into, lane, s, "tools/list", null, Tally.TOOLS_LIST, false, startNanos);
            case PING -> send(into, lane, s, "ping", null, Tally.PING, false, startNanos);
            case BAD_CALL -> {
                ObjectNode invalid = lane.random.nextBoolean() ? t.calls.invalidArguments(lane.random) : null;
                yield invalid != null
                        ? send(into, lane, s, "tools/call", invalid, Tally.BAD_INVALID_ARGUMENTS, true, startNanos)
                        : send(into, lane, s, "tools/call", t.calls.unknownTool(lane.random), Tally.BAD_UNKNOWN_TOOL, true, startNanos);
            }
            case NEW_SESSION -> t.sharedSession() ? CompletableFuture.completedFuture(null)
                    : closeSession(lane, into).thenCompose(v -> openSession(lane, System.nanoTime(), into));
        };
    }

    /** initialize, notifications/initialized, tools/list on a fresh session; true if all went well. */
    private CompletableFuture<Boolean> openSession(Lane lane, long startNanos, Tally into) {
        Target t = lane.target;
        McpSession s = t.newSession();
        return send(into, lane, s, "initialize", JsonRpc.initializeParams(Target.CLIENT_NAME, Target.CLIENT_VERSION), Tally.INITIALIZE, false, startNanos)
                .thenCompose(init -> {
                    if (!init.isResult()) {
                        into.sessionsFailed.increment();
                        return CompletableFuture.completedFuture(false);
                    }
                    return s.notification("notifications/initialized").thenCompose(err -> {
                        if (err != null) {
                            into.notificationsFailed.increment();
                            sample(t.name + " notifications/initialized: " + err);
                        } else {
                            into.notificationsSent.increment();
                        }
                        return send(into, lane, s, "tools/list", null, Tally.TOOLS_LIST, false, System.nanoTime());
                    }).thenApply(list -> {
                        lane.session = s;
                        into.sessionsOpened.increment();
                        return true;
                    });
                });
    }

    private CompletableFuture<Void> closeSession(Lane lane, Tally into) {
        McpSession s = lane.session;
        lane.session = null;
        if (s == null || lane.target.sharedSession()) {
            return CompletableFuture.completedFuture(null);
        }
        return s.close().thenRun(() -> into.sessionsClosed.increment());
    }

    /** Ends every lane's own session (HTTP DELETE); stdio processes are the targets' to stop. */
    void closeAll(long maxWaitNanos) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Lane lane : lanes) {
            closing.add(closeSession(lane, tally));
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            // sessions the servers will expire on their own
        }
    }

    private CompletableFuture<Reply> send(Tally into, Lane lane, McpSession s, String method, ObjectNode params, String row,
                                          boolean expectRejection, long startNanos) {
        inFlight.incrementAndGet();
        return s.request(method, params).thenApply(r -> {
            long latency = System.nanoTime() - startNanos;
            inFlight.decrementAndGet();
            Outcome o = Outcome.of(r, expectRejection, method.equals("tools/call"));
            into.row(lane.target.name, row).record(latency, o);
            if (o.unexpected()) {
                sample(lane.target.name + " " + row + ": " + r.describe());
                if (!lane.target.sharedSession() && lane.session == s && r.failure() != null) {
                    lane.session = null; // the session may be gone (server restarted, expired): open a new one
                }
            }
            return r;
        });
    }

    private void sample(String what) {
        LongAdder n = errorSamples.get(what);
        if (n == null && errorSamples.size() < ERROR_SAMPLES_KEPT) {
            n = errorSamples.computeIfAbsent(what, k -> new LongAdder());
        }
        if (n != null) {
            n.increment();
        }
    }
}
