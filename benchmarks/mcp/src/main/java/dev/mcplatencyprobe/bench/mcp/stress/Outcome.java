package dev.mcplatencyprobe.bench.mcp.stress;

/** How one request ended, from the client's side. Exactly one per completed request. */
enum Outcome {
    /** A good request answered with a result. */
    OK(false),
    /** A good request answered with a JSON-RPC error, or with an HTTP status or body that is not an answer. */
    PROTOCOL_ERROR(true),
    /**
     * A good tools/call the tool refused: a result that says the tool failed ("isError": true), or
     * JSON-RPC error -32602 (invalid params). With generated arguments these are mostly arguments
     * that fit the schema but not the tool's meaning; they are counted apart from protocol errors.
     */
    TOOL_ERROR(true),
    /** No answer: connection refused or reset, the server process gone. */
    TRANSPORT_ERROR(true),
    /** No answer within --timeout. */
    TIMEOUT(true),
    /** A deliberately bad call rejected with a JSON-RPC error: expected. */
    REJECTED_AS_PROTOCOL_ERROR(false),
    /** A deliberately bad call rejected with a tool error result: expected. */
    REJECTED_AS_TOOL_ERROR(false),
    /** A deliberately bad call the server accepted as if it were good. */
    BAD_CALL_ACCEPTED(true);

    /** JSON-RPC's "Invalid params". */
    static final int INVALID_PARAMS = -32602;

    private final boolean unexpected;

    Outcome(boolean unexpected) {
        this.unexpected = unexpected;
    }

    boolean unexpected() {
        return unexpected;
    }

    /** Classifies a reply to a request that was meant to succeed ({@code expectRejection} false) or to fail. */
    static Outcome of(Reply r, boolean expectRejection, boolean isToolCall) {
        if (r.failure() != null) {
            return switch (r.failureKind()) {
                case TIMEOUT -> TIMEOUT;
                case PROTOCOL -> PROTOCOL_ERROR;
                case TRANSPORT -> TRANSPORT_ERROR;
            };
        }
        if (expectRejection) {
            if (r.error() != null) {
                return REJECTED_AS_PROTOCOL_ERROR;
            }
            return r.isToolError() ? REJECTED_AS_TOOL_ERROR : BAD_CALL_ACCEPTED;
        }
        if (r.error() != null) {
            return isToolCall && r.errorCode() == INVALID_PARAMS ? TOOL_ERROR : PROTOCOL_ERROR;
        }
        return isToolCall && r.isToolError() ? TOOL_ERROR : OK;
    }
}
