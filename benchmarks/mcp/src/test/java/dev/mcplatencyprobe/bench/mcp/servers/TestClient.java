package dev.mcplatencyprobe.bench.mcp.servers;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately plain, blocking JSON-RPC client for the server tests: independent of the stress
 * test's client, so the two cannot share a bug. {@link #call} returns the whole response message.
 */
abstract class TestClient implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private final AtomicLong ids = new AtomicLong();

    abstract JsonNode send(ObjectNode message, boolean expectAnswer) throws IOException, InterruptedException;

    JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
        ObjectNode m = JSON.createObjectNode();
        m.put("jsonrpc", "2.0");
        m.put("id", ids.incrementAndGet());
        m.put("method", method);
        if (params != null) {
            m.set("params", params);
        }
        return send(m, true);
    }

    void notify(String method) throws IOException, InterruptedException {
        ObjectNode m = JSON.createObjectNode();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        send(m, false);
    }

    /** initialize + notifications/initialized; returns initialize's result. */
    JsonNode handshake() throws IOException, InterruptedException {
        ObjectNode p = JSON.createObjectNode();
        p.put("protocolVersion", "2025-06-18");
        p.putObject("capabilities");
        p.putObject("clientInfo").put("name", "test").put("version", "1");
        JsonNode r = call("initialize", p);
        notify("notifications/initialized");
        return r.get("result");
    }

    JsonNode callTool(String name, ObjectNode arguments) throws IOException, InterruptedException {
        ObjectNode p = JSON.createObjectNode();
        p.put("name", name);
        p.set("arguments", arguments);
        return call("tools/call", p);
    }

    /** The first text content of a tools/call result, parsed as JSON. */
    static JsonNode toolText(JsonNode response) {
        return JSON.readTree(response.get("result").get("content").get(0).get("text").asString());
    }

    /** Over a pair of streams, one message per line (the stdio transport). */
    static final class Lines extends TestClient {
        private final OutputStream out;
        private final BufferedReader in;

        Lines(InputStream fromServer, OutputStream toServer) {
            this.out = toServer;
            this.in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8));
        }

        @Override
        JsonNode send(ObjectNode message, boolean expectAnswer) throws IOException {
            out.write(JSON.writeValueAsBytes(message));
            out.write('\n');
            out.flush();
            if (!expectAnswer) {
                return null;
            }
            String line = in.readLine();
            if (line == null) {
                throw new IOException("server closed its output");
            }
            return JSON.readTree(line);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Over Streamable HTTP with the JDK client; understands both JSON and event-stream answers. */
    static final class Http extends TestClient {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;
        private String session;

        Http(URI uri) {
            this.uri = uri;
        }

        @Override
        JsonNode send(ObjectNode message, boolean expectAnswer) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(message)));
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            r.headers().firstValue("Mcp-Session-Id").ifPresent(s -> session = s);
            if (!expectAnswer) {
                if (r.statusCode() != 202) {
                    throw new IOException("notification answered with HTTP " + r.statusCode());
                }
                return null;
            }
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
            }
            String body = r.body();
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                StringBuilder data = new StringBuilder();
                for (String line : body.split("\n")) {
                    if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
                body = data.toString();
            }
            return JSON.readTree(body);
        }

        @Override
        public void close() {
            // sessions expire with the server
        }
    }
}
