package dev.mcplatencyprobe.bench.mcp.servers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each reference server, over stdio (in-process pipes) and over Streamable HTTP, speaks MCP. */
class ReferenceServersTest {
    enum Transport { STDIO, HTTP }

    @TempDir
    Path state;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestClient start(ServerKind kind, Transport transport) throws Exception {
        ServerOptions o = new ServerOptions(kind, transport == Transport.STDIO ? ServerOptions.Transport.STDIO : ServerOptions.Transport.HTTP,
                "127.0.0.1", 0, state, Optional.empty(), 50);
        TestClient client;
        if (transport == Transport.STDIO) {
            PipedOutputStream toServer = new PipedOutputStream();
            PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
            PipedOutputStream serverOut = new PipedOutputStream();
            PipedInputStream fromServer = new PipedInputStream(serverOut, 1 << 16);
            open.add(ReferenceServer.startStdio(o, serverIn, serverOut));
            client = new TestClient.Lines(fromServer, toServer);
        } else {
            ReferenceServer s = ReferenceServer.startHttp(o);
            open.add(s);
            client = new TestClient.Http(URI.create("http://127.0.0.1:" + s.port() + ReferenceServer.MCP_PATH));
        }
        open.add(client);
        return client;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void thinkingAnswersInitializeToolsListAndThink(Transport transport) throws Exception {
        TestClient c = start(ServerKind.THINKING, transport);
        JsonNode init = c.handshake();
        assertEquals("thinking", init.get("serverInfo").get("name").asString());
        assertTrue(init.get("capabilities").has("tools"));

        JsonNode tools = c.call("tools/list", null).get("result").get("tools");
        assertEquals(1, tools.size());
        assertEquals("think", tools.get(0).get("name").asString());
        assertEquals(List.of("thought", "nextThoughtNeeded", "thoughtNumber", "totalThoughts"),
                strings(tools.get(0).get("inputSchema").get("required")));

        ObjectNode args = TestClient.JSON.createObjectNode();
        args.put("thought", "the tail latency decides the design");
        args.put("thoughtNumber", 4);
        args.put("totalThoughts", 3);
        args.put("nextThoughtNeeded", true);
        JsonNode r = c.callTool("think", args);
        assertFalse(r.get("result").get("isError").asBoolean());
        JsonNode out = TestClient.toolText(r);
        assertEquals(4, out.get("thoughtNumber").asInt());
        assertEquals(4, out.get("totalThoughts").asInt(), "a chain running past its estimate grows it");
        assertEquals(6, out.get("words").asInt());
        assertEquals(16, out.get("digest").asString().length());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void memoryRecallReturnsWhatRememberStored(Transport transport) throws Exception {
        TestClient c = start(ServerKind.MEMORY, transport);
        assertEquals("memory", c.handshake().get("serverInfo").get("name").asString());
        JsonNode tools = c.call("tools/list", null).get("result").get("tools");
        assertEquals(List.of("remember", "recall"), List.of(tools.get(0).get("name").asString(), tools.get(1).get("name").asString()));

        for (String text : List.of("p99 over budget on thinking", "memory fsync dominates remember", "ship the probe")) {
            ObjectNode a = TestClient.JSON.createObjectNode();
            a.put("text", text);
            a.putArray("tags").add(text.startsWith("ship") ? "todo" : "latency");
            JsonNode r = c.callTool("remember", a);
            assertFalse(r.get("result").get("isError").asBoolean(), r.toString());
        }
        ObjectNode all = TestClient.JSON.createObjectNode();
        JsonNode everything = TestClient.toolText(c.callTool("recall", all));
        assertEquals(3, everything.get("count").asInt());
        assertEquals("ship the probe", everything.get("entries").get(0).get("text").asString(), "newest first");

        ObjectNode q = TestClient.JSON.createObjectNode();
        q.put("query", "LATENCY");
        q.put("limit", 1);
        JsonNode found = TestClient.toolText(c.callTool("recall", q));
        assertEquals(1, found.get("count").asInt());
        assertEquals("memory fsync dominates remember", found.get("entries").get(0).get("text").asString());

        List<String> lines = Files.readAllLines(state.resolve(MemoryStore.FILE_NAME));
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("\"seq\":1"), lines.get(0));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void badCallsAreRejected(Transport transport) throws Exception {
        TestClient c = start(ServerKind.MEMORY, transport);
        c.handshake();
        JsonNode unknown = c.callTool("no_such_tool", TestClient.JSON.createObjectNode());
        assertEquals(-32602, unknown.get("error").get("code").asInt(), unknown.toString());

        ObjectNode missingText = TestClient.JSON.createObjectNode();
        missingText.put("tags", "not-an-array");
        JsonNode invalid = c.callTool("remember", missingText);
        assertTrue(invalid.has("error") || invalid.get("result").get("isError").asBoolean(), invalid.toString());
        assertFalse(Files.exists(state.resolve(MemoryStore.FILE_NAME)) && Files.size(state.resolve(MemoryStore.FILE_NAME)) > 0,
                "a rejected call stores nothing");

        assertTrue(c.call("ping", null).get("result").isObject());
    }

    private static List<String> strings(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asString()));
        return l;
    }

}
