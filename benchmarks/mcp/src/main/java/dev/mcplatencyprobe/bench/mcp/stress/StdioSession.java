package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An MCP server spawned as a child process, spoken to over its stdin/stdout (one JSON-RPC message per
 * line). The process is the session: every caller shares it, requests overlap and are matched to
 * answers by id. The command runs as {@code /bin/sh -c 'exec COMMAND'} (or {@code exec env COMMAND}
 * when it starts with NAME=value settings), so its PID is the server's.
 */
final class StdioSession implements McpSession {
    private static final int STDERR_LINES_KEPT = 20;
    private static final long EXIT_WAIT_MS = 5_000;
    private static final java.util.regex.Pattern LEADING_ASSIGNMENT = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=");

    private final String command;
    private final Process process;
    private final OutputStream stdin;
    private final Duration timeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final AtomicLong strayLines = new AtomicLong();
    private volatile String exitReason;

    private StdioSession(String command, Process process, Duration timeout) {
        this.command = command;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.timeout = timeout;
    }

    static StdioSession start(String command, Duration timeout) throws IOException {
        // Leading NAME=value assignments go through env, which execs the command: the PID stays the server's.
        String exec = LEADING_ASSIGNMENT.matcher(command).lookingAt() ? "exec env " : "exec ";
        Process p = new ProcessBuilder("/bin/sh", "-c", exec + command).start();
        StdioSession s = new StdioSession(command, p, timeout);
        Thread out = new Thread(s::readAnswers, "stdio-answers-" + p.pid());
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(s::keepStderr, "stdio-stderr-" + p.pid());
        err.setDaemon(true);
        err.start();
        return s;
    }

    boolean alive() {
        return exitReason == null;
    }

    /** Why the server stopped answering (it exited, or closed its stdout); null while it runs. */
    String exitReason() {
        return exitReason;
    }

    long pid() {
        return process.pid();
    }

    String command() {
        return command;
    }

    /** Lines on the server's stdout that were not JSON-RPC answers (a stdio server must print none). */
    long strayLines() {
        return strayLines.get();
    }

    /** The server's last stderr lines, for an error message when it dies. */
    List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    @Override
    public CompletableFuture<Reply> request(String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        pending.put(id, answer);
        String gone = exitReason;
        if (gone != null) {
            pending.remove(id);
            return CompletableFuture.completedFuture(Reply.ofTransportFailure(gone));
        }
        String err = send(JsonRpc.request(id, method, params));
        if (err != null) {
            pending.remove(id);
            return CompletableFuture.completedFuture(Reply.ofTransportFailure(err));
        }
        return answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((r, ex) -> {
            if (ex == null) {
                return r;
            }
            pending.remove(id);
            Throwable t = ex.getCause() != null ? ex.getCause() : ex;
            return t instanceof TimeoutException ? Reply.ofTimeout() : Reply.ofTransportFailure(String.valueOf(t));
        });
    }

    @Override
    public CompletableFuture<String> notification(String method) {
        return CompletableFuture.completedFuture(send(JsonRpc.notification(method)));
    }

    /** Closes stdin (the server's signal to finish), waits for it to exit, and ends it if it does not. */
    @Override
    public CompletableFuture<Void> close() {
        try {
            synchronized (stdin) {
                stdin.close();
            }
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(null);
    }

    private String send(byte[] line) {
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            }
            return null;
        } catch (IOException e) {
            String gone = exitReason;
            return gone != null ? gone : "cannot write to the server's stdin: " + e.getMessage();
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode msg;
                try {
                    msg = JsonRpc.MAPPER.readTree(line);
                } catch (JacksonException e) {
                    strayLines.incrementAndGet();
                    continue;
                }
                JsonNode id = msg.path("id");
                if (!id.isIntegralNumber() || !(msg.has("result") || msg.has("error"))) {
                    continue; // a notification or a server-to-client request: not an answer
                }
                CompletableFuture<Reply> f = pending.remove(id.asLong());
                if (f != null) {
                    f.complete(JsonRpc.match(msg, id.asLong()));
                }
            }
        } catch (IOException e) {
            // the stream broke: same as end of output
        }
        String reason;
        try {
            reason = process.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)
                    ? "server exited with code " + process.exitValue() : "server closed its stdout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "server closed its stdout";
        }
        exitReason = reason;
        for (Long id : pending.keySet()) {
            CompletableFuture<Reply> f = pending.remove(id);
            if (f != null) {
                f.complete(Reply.ofTransportFailure(reason));
            }
        }
    }

    private void keepStderr() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the server is gone; what we kept is what we have
        }
    }
}
