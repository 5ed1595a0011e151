package dev.mcplatencyprobe.bench.mcp.stress;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRpcTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventStreamAnswerIsFoundAmongOtherEvents() {
        String body = "id: s1\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n"
                + "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":7,\"result\":{\"ok\":true}}\r\n\r\n";
        Reply r = JsonRpc.fromEventStream(b(body), 7);
        assertTrue(r.isResult(), r.describe());
        assertTrue(r.result().get("ok").asBoolean());
    }

    @Test
    void eventStreamWithoutOurIdIsAProtocolFailure() {
        Reply r = JsonRpc.fromEventStream(b("data: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}\n\n"), 7);
        assertEquals(Reply.Failure.PROTOCOL, r.failureKind());
        assertEquals(Reply.Failure.PROTOCOL, JsonRpc.fromEventStream(b("data: {not json\n\n"), 7).failureKind());
    }

    @Test
    void jsonErrorsAndToolErrorsAreTold() {
        Reply err = JsonRpc.fromJson(b("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32602,\"message\":\"Unknown tool\"}}"), 3);
        assertEquals(-32602, err.errorCode());
        assertEquals(Outcome.REJECTED_AS_PROTOCOL_ERROR, Outcome.of(err, true, true));
        assertEquals(Outcome.TOOL_ERROR, Outcome.of(err, false, true), "-32602 on tools/call: the tool refused its arguments");
        assertEquals(Outcome.PROTOCOL_ERROR, Outcome.of(err, false, false), "-32602 elsewhere is the protocol's");
        Reply other = JsonRpc.fromJson(b("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32603,\"message\":\"boom\"}}"), 3);
        assertEquals(Outcome.PROTOCOL_ERROR, Outcome.of(other, false, true));

        Reply tool = JsonRpc.fromJson(b("[{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[],\"isError\":true}}]"), 4);
        assertTrue(tool.isToolError(), "found inside a batch");
        assertEquals(Outcome.TOOL_ERROR, Outcome.of(tool, false, true));
        assertEquals(Outcome.REJECTED_AS_TOOL_ERROR, Outcome.of(tool, true, true));
        assertEquals(Outcome.OK, Outcome.of(tool, false, false), "isError only means something for tools/call");

        Reply ok = JsonRpc.fromJson(b("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"), 5);
        assertEquals(Outcome.BAD_CALL_ACCEPTED, Outcome.of(ok, true, true));
        assertFalse(Outcome.OK.unexpected());
        assertTrue(Outcome.of(Reply.ofTimeout(), false, false).unexpected());
    }

    @Test
    void requestsAreJsonRpc() {
        String r = new String(JsonRpc.request(9, "ping", null), StandardCharsets.UTF_8);
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", r);
        assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                new String(JsonRpc.notification("notifications/initialized"), StandardCharsets.UTF_8));
    }
}
