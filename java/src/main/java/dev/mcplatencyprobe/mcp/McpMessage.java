package dev.mcplatencyprobe.mcp;

/**
 * One JSON-RPC message as the tracker keeps it: names and ids only, never the payload.
 *
 * @param kind      request, notification or response
 * @param method    requests and notifications
 * @param tool      {@code params.name} of a request, if any (used for {@code tools/call})
 * @param id        requests and responses: {@code n:<number>} or {@code s:<string>}
 * @param errorCode responses with {@code error}: its code as written (null if absent)
 */
record McpMessage(Kind kind, String method, String tool, String id, boolean error, String errorCode) {
    enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    /**
     * The message the fields describe, or null if they do not make one. A complete object must say
     * {@code "jsonrpc":"2.0"}; one whose middle was not seen must not contradict it.
     */
    static McpMessage of(JsonRpcScanner.Fields f, boolean complete) {
        if (f.tooLong || (f.jsonrpc != null ? !f.jsonrpc.equals("2.0") : complete)) {
            return null;
        }
        if (f.method != null) {
            if (f.result || f.error) {
                return null;
            }
            if (f.idSeen && f.id != null) {
                return new McpMessage(Kind.REQUEST, f.method, f.tool, f.id, false, null);
            }
            // Without an id, only a complete object is known to be a notification.
            return !f.idSeen && complete ? new McpMessage(Kind.NOTIFICATION, f.method, f.tool, null, false, null) : null;
        }
        if ((f.result ^ f.error) && f.idSeen && f.id != null) {
            return new McpMessage(Kind.RESPONSE, null, null, f.id, f.error, f.errorCode);
        }
        return null;
    }
}
