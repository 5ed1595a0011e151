package dev.mcplatencyprobe.bench.mcp.stress;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Http1LoopTest {

    private static Http1Loop.ResponseParser parse(String... pieces) {
        Http1Loop.ResponseParser p = new Http1Loop.ResponseParser();
        boolean done = false;
        for (String piece : pieces) {
            byte[] b = piece.getBytes(StandardCharsets.ISO_8859_1);
            done = p.feed(b, 0, b.length);
        }
        assertTrue(done, "response complete");
        return p;
    }

    @Test
    void chunkedBodySplitAnywhereIsReassembled() {
        Http1Loop.ResponseParser p = parse("HTTP/1.1 200 \r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r",
                "\n5\r\nhel", "lo\r\n6;ext=1\r\n world\r\n0\r\n", "\r\n");
        assertEquals(200, p.response().status());
        assertEquals("text/event-stream", p.response().header("content-type"));
        assertEquals("hello world", new String(p.response().body(), StandardCharsets.UTF_8));
        assertTrue(p.keepAlive());
    }

    @Test
    void contentLengthAndEmptyBodies() {
        Http1Loop.ResponseParser p = parse("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        assertEquals(202, p.response().status());
        assertEquals(0, p.response().body().length);
        Http1Loop.ResponseParser q = parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertEquals("abc", new String(q.response().body(), StandardCharsets.UTF_8));
        assertFalse(q.keepAlive());
    }

    @Test
    void bodyUntilCloseEndsAtEndOfStream() {
        Http1Loop.ResponseParser p = new Http1Loop.ResponseParser();
        byte[] b = "HTTP/1.0 200 OK\r\n\r\npartial".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(p.feed(b, 0, b.length));
        assertTrue(p.endOfStream());
        assertEquals("partial", new String(p.response().body(), StandardCharsets.UTF_8));
    }

    @Test
    void requestCarriesHostAndContentLength() {
        String r = new String(Http1Loop.request("POST", "127.0.0.1:8701", "/mcp", Map.of("Accept", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1);
        assertEquals("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:8701\r\nAccept: application/json\r\nContent-Length: 2\r\n\r\n{}", r);
    }

    /** Against a real socket: two exchanges share one keep-alive connection; a silent server times out. */
    @Test
    void keepAliveReuseAndTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); Http1Loop loop = new Http1Loop("test-loop")) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 2; i++) {
                        readRequest(in);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i).getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    readRequest(in); // third request: never answered
                    Thread.sleep(2_000);
                } catch (Exception e) {
                    // the test ends the conversation
                }
            });
            t.setDaemon(true);
            t.start();
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            byte[] req = Http1Loop.request("POST", "x", "/", Map.of(), new byte[0]);
            long second = TimeUnit.SECONDS.toNanos(5);
            assertEquals("0", new String(loop.exchange(addr, req, second).get(5, TimeUnit.SECONDS).body(), StandardCharsets.ISO_8859_1));
            assertEquals("1", new String(loop.exchange(addr, req, second).get(5, TimeUnit.SECONDS).body(), StandardCharsets.ISO_8859_1),
                    "the same connection: the server accepts only one");
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> loop.exchange(addr, req, TimeUnit.MILLISECONDS.toNanos(200)).get(5, TimeUnit.SECONDS));
            Http1Loop.ExchangeException ex = assertInstanceOf(Http1Loop.ExchangeException.class, e.getCause());
            assertTrue(ex.timeout);
        }
    }

    private static void readRequest(InputStream in) throws Exception {
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IllegalStateException("closed");
            }
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
    }
}
