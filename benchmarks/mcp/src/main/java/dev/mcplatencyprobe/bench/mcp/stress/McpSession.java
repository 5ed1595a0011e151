package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.node.ObjectNode;

import java.util.concurrent.CompletableFuture;

/**
 * One MCP session as the stress test drives it: raw JSON-RPC, no SDK. Every future completes
 * normally; failures (I/O, HTTP status, timeout, the server going away) come back as a {@link Reply}.
 */
interface McpSession {

    /** Sends a request and completes with its answer; {@code params} may be null. */
    CompletableFuture<Reply> request(String method, ObjectNode params);

    /** Sends a notification; completes with null when sent (and, over HTTP, accepted), else with why not. */
    CompletableFuture<String> notification(String method);

    /** Ends the session (HTTP: DELETE); completes when done, whatever the outcome. */
    CompletableFuture<Void> close();
}
