package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.databind.JsonNode;

/**
 * What came back for one JSON-RPC request: a JSON-RPC response (result or error), or no response at
 * all and why. Exactly one of {@code result}, {@code error} and {@code failure} is set.
 *
 * @param result      the response's "result" member
 * @param error       the response's "error" member (a JSON-RPC error object)
 * @param failure     why there is no JSON-RPC response
 * @param failureKind what kind of failure that is (null unless {@code failure} is set)
 */
record Reply(JsonNode result, JsonNode error, String failure, Failure failureKind) {

    enum Failure {
        /** Something answered, but not with a JSON-RPC response: an HTTP error status, an unparsable body. */
        PROTOCOL,
        /** Nothing answered: refused, reset, the process gone. */
        TRANSPORT,
        /** Nothing answered in time. */
        TIMEOUT
    }

    static Reply ofResult(JsonNode result) {
        return new Reply(result, null, null, null);
    }

    static Reply ofError(JsonNode error) {
        return new Reply(null, error, null, null);
    }

    static Reply ofProtocolFailure(String why) {
        return new Reply(null, null, why, Failure.PROTOCOL);
    }

    static Reply ofTransportFailure(String why) {
        return new Reply(null, null, why, Failure.TRANSPORT);
    }

    static Reply ofTimeout() {
        return new Reply(null, null, "timed out", Failure.TIMEOUT);
    }

    boolean isResult() {
        return result != null;
    }

    /** A tools/call answer that reports a failure of the tool itself ("isError": true). */
    boolean isToolError() {
        return result != null && result.path("isError").asBoolean(false);
    }

    int errorCode() {
        return error == null ? 0 : error.path("code").asInt(0);
    }

    String describe() {
        if (failure != null) {
            return failure;
        }
        if (error != null) {
            return "JSON-RPC error " + errorCode() + ": " + error.path("message").asString("");
        }
        if (isToolError()) {
            return "tool error: " + result.path("content").path(0).path("text").asString("");
        }
        return "result";
    }
}
