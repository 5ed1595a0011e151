package dev.mcplatencyprobe.bench.mcp.stress;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** JSON-RPC 2.0 messages as bytes, and answers (plain JSON or a Server-Sent Events body) as {@link Reply}. */
final class JsonRpc {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final String PROTOCOL_VERSION = "2025-06-18";

    private JsonRpc() {
    }

    static byte[] request(long id, String method, ObjectNode params) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        return MAPPER.writeValueAsBytes(msg);
    }

    static byte[] notification(String method) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("method", method);
        return MAPPER.writeValueAsBytes(msg);
    }

    static ObjectNode initializeParams(String clientName, String clientVersion) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("protocolVersion", PROTOCOL_VERSION);
        p.putObject("capabilities");
        ObjectNode info = p.putObject("clientInfo");
        info.put("name", clientName);
        info.put("version", clientVersion);
        return p;
    }

    /** The answer to request {@code id} in a JSON body (one message, or a batch array). */
    static Reply fromJson(byte[] body, long id) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            return Reply.ofProtocolFailure("unparsable JSON answer: " + firstLine(e.getOriginalMessage()));
        }
        Reply r = match(root, id);
        return r != null ? r : Reply.ofProtocolFailure("no answer with id " + id + " in the response");
    }

    /**
     * The answer to request {@code id} in a Server-Sent Events body: each event's data lines joined,
     * parsed, and the one carrying our id taken (other events, e.g. notifications, are skipped).
     */
    static Reply fromEventStream(byte[] body, long id) {
        String text = new String(body, StandardCharsets.UTF_8);
        StringBuilder data = new StringBuilder();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                Reply r = eventData(data, id);
                if (r != null) {
                    return r;
                }
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
            }
            start = end + 1;
        }
        Reply r = eventData(data, id);
        return r != null ? r : Reply.ofProtocolFailure("no answer with id " + id + " in the event stream");
    }

    private static Reply eventData(StringBuilder data, long id) {
        if (data.length() == 0) {
            return null;
        }
        String json = data.toString();
        data.setLength(0);
        try {
            return match(MAPPER.readTree(json), id);
        } catch (JacksonException e) {
            return Reply.ofProtocolFailure("unparsable event data: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The reply in {@code msg} (or in the batch {@code msg}) for {@code id}; null if none. */
    static Reply match(JsonNode msg, long id) {
        if (msg.isArray()) {
            for (JsonNode m : msg) {
                Reply r = match(m, id);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
        if (!msg.isObject() || !msg.path("id").isIntegralNumber() || msg.path("id").asLong() != id) {
            return null;
        }
        if (msg.has("error") && msg.get("error").isObject()) {
            return Reply.ofError(msg.get("error"));
        }
        if (msg.has("result")) {
            return Reply.ofResult(msg.get("result"));
        }
        return Reply.ofProtocolFailure("answer with id " + id + " has neither result nor error");
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
