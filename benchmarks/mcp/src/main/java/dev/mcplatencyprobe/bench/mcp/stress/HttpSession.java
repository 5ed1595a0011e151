package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.node.ObjectNode;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MCP session over Streamable HTTP, spoken as raw JSON-RPC on {@link Http1Loop}: POST per
 * message, the session id from initialize's {@code Mcp-Session-Id} header on every later message,
 * answers as JSON or as an event stream, DELETE to end. Requests on one session may overlap.
 */
final class HttpSession implements McpSession {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";

    private final Http1Loop loop;
    private final InetSocketAddress address;
    private final String hostHeader;
    private final String path;
    private final long timeoutNanos;
    private final AtomicLong ids = new AtomicLong();
    private volatile String sessionId;
    private volatile String protocolVersion = JsonRpc.PROTOCOL_VERSION;

    HttpSession(Http1Loop loop, URI uri, Duration timeout) {
        this.loop = loop;
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        this.address = new InetSocketAddress(host, port);
        this.hostHeader = uri.getHost() + ":" + port;
        this.path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public CompletableFuture<Reply> request(String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        return loop.exchange(address, post(JsonRpc.request(id, method, params)), timeoutNanos)
                .handle((resp, ex) -> {
                    if (ex != null) {
                        return failure(ex);
                    }
                    Reply r = answer(resp, id);
                    if ("initialize".equals(method) && r.isResult()) {
                        sessionId = resp.header(SESSION_HEADER);
                        protocolVersion = r.result().path("protocolVersion").asString(JsonRpc.PROTOCOL_VERSION);
                    }
                    return r;
                });
    }

    @Override
    public CompletableFuture<String> notification(String method) {
        return loop.exchange(address, post(JsonRpc.notification(method)), timeoutNanos)
                .handle((resp, ex) -> {
                    if (ex != null) {
                        return failure(ex).failure();
                    }
                    int s = resp.status();
                    return s == 202 || s == 200 ? null : "HTTP " + s + " for " + method;
                });
    }

    @Override
    public CompletableFuture<Void> close() {
        String id = sessionId;
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put(SESSION_HEADER, id);
        h.put(VERSION_HEADER, protocolVersion);
        byte[] req = Http1Loop.request("DELETE", hostHeader, path, h, new byte[0]);
        return loop.exchange(address, req, timeoutNanos).handle((resp, ex) -> null);
    }

    private byte[] post(byte[] body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        String id = sessionId;
        if (id != null) {
            h.put(SESSION_HEADER, id);
            h.put(VERSION_HEADER, protocolVersion);
        }
        return Http1Loop.request("POST", hostHeader, path, h, body);
    }

    private static Reply answer(Http1Loop.Response resp, long id) {
        if (resp.status() != 200) {
            return Reply.ofProtocolFailure("HTTP " + resp.status());
        }
        String type = resp.header("Content-Type");
        return type != null && type.startsWith("text/event-stream") ? JsonRpc.fromEventStream(resp.body(), id)
                : JsonRpc.fromJson(resp.body(), id);
    }

    static Reply failure(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof Http1Loop.ExchangeException e) {
            return e.timeout ? Reply.ofTimeout() : Reply.ofTransportFailure(e.getMessage());
        }
        String m = t.getMessage();
        return Reply.ofTransportFailure(t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + JsonRpc.firstLine(m)));
    }
}
