package dev.mcplatencyprobe.bench.mcp.stress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small asynchronous HTTP/1.1 client on one selector thread: keep-alive connections pooled per
 * address, one exchange per connection at a time, Content-Length and chunked bodies.
 *
 * <p>Why not {@code java.net.http.HttpClient}: measured here on JDK 17 (ping-only mix, after warm-up),
 * it cost the load generator about 140 µs of CPU per request, more than the MCP server spent
 * answering it, and its JIT warm-up kept a C2 thread busy for over ten seconds on a 2-core machine.
 * With this loop the whole load generator costs about 26 µs per request.
 *
 * <p>Futures complete on the loop thread; a callback that sends the next request from there does not
 * wake the selector. Exchanges submitted from the loop thread start on the next turn of the loop, so
 * a completion never runs inside {@link #exchange}.
 */
final class Http1Loop implements AutoCloseable {
    private static final long TIMEOUT_CHECK_NANOS = 20_000_000L;
    private static final int READ_CHUNK = 16 * 1024;

    /** A complete HTTP response; header names lower-case. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The failure a future completes with when no response came: a transport error or a timeout. */
    static final class ExchangeException extends IOException {
        final boolean timeout;

        ExchangeException(String message, boolean timeout) {
            super(message, null);
            this.timeout = timeout;
        }
    }

    private final class Exchange {
        final InetSocketAddress address;
        final ByteBuffer request;
        final long deadlineNanos;
        final CompletableFuture<Response> future = new CompletableFuture<>();
        boolean retried;

        Exchange(InetSocketAddress address, byte[] request, long deadlineNanos) {
            this.address = address;
            this.request = ByteBuffer.wrap(request);
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final class Conn {
        final InetSocketAddress address;
        final SocketChannel channel;
        final SelectionKey key;
        final ResponseParser parser = new ResponseParser();
        Exchange current;
        boolean reused;

        Conn(InetSocketAddress address, SocketChannel channel, SelectionKey key) {
            this.address = address;
            this.channel = channel;
            this.key = key;
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Exchange> submitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Exchange> local = new ArrayDeque<>();
    private final Map<InetSocketAddress, ArrayDeque<Conn>> idle = new HashMap<>();
    private final Set<Conn> busy = new HashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_CHUNK);
    private final byte[] readBytes = new byte[READ_CHUNK];
    private volatile boolean closed;

    Http1Loop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Sends {@code request} (a complete HTTP/1.1 request) to {@code address}; completes with the response. */
    CompletableFuture<Response> exchange(InetSocketAddress address, byte[] request, long timeoutNanos) {
        Exchange ex = new Exchange(address, request, System.nanoTime() + timeoutNanos);
        if (closed) {
            ex.future.completeExceptionally(new ExchangeException("client closed", false));
        } else if (Thread.currentThread() == thread) {
            local.add(ex);
        } else {
            submitted.add(ex);
            selector.wakeup();
        }
        return ex.future;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextTimeoutCheck = System.nanoTime() + TIMEOUT_CHECK_NANOS;
        try {
            while (!closed) {
                if (local.isEmpty()) {
                    selector.select(TIMEOUT_CHECK_NANOS / 1_000_000);
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isConnectable()) {
                        connected(c);
                    } else {
                        if (key.isWritable()) {
                            write(c);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(c);
                        }
                    }
                }
                selector.selectedKeys().clear();
                Exchange ex;
                while ((ex = submitted.poll()) != null) {
                    local.add(ex);
                }
                // Only those queued before this turn: callbacks below may queue more for the next one.
                for (int n = local.size(); n > 0; n--) {
                    start(local.poll());
                }
                long now = System.nanoTime();
                if (now - nextTimeoutCheck >= 0) {
                    expire(now);
                    nextTimeoutCheck = now + TIMEOUT_CHECK_NANOS;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // the selector itself failed: fail everything below
        }
        failAll("client closed");
    }

    private void start(Exchange ex) {
        ArrayDeque<Conn> pool = idle.get(ex.address);
        Conn c = pool == null ? null : pool.pollLast();
        if (c != null) {
            c.reused = true;
            begin(c, ex);
            return;
        }
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = ch.connect(ex.address);
            SelectionKey key = ch.register(selector, now ? 0 : SelectionKey.OP_CONNECT);
            c = new Conn(ex.address, ch, key);
            key.attach(c);
            c.current = ex;
            busy.add(c);
            if (now) {
                begin(c, ex);
            }
        } catch (IOException e) {
            ex.future.completeExceptionally(new ExchangeException("cannot connect to " + ex.address + ": " + e.getMessage(), false));
        }
    }

    private void connected(Conn c) {
        try {
            c.channel.finishConnect();
            begin(c, c.current);
        } catch (IOException e) {
            fail(c, "cannot connect to " + c.address + ": " + e.getMessage(), false);
        }
    }

    private void begin(Conn c, Exchange ex) {
        c.current = ex;
        c.parser.reset();
        busy.add(c);
        c.key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
        write(c);
    }

    private void write(Conn c) {
        try {
            ByteBuffer out = c.current.request;
            while (out.hasRemaining()) {
                if (c.channel.write(out) == 0) {
                    return; // socket buffer full: OP_WRITE stays on
                }
            }
            c.key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            brokenBeforeAnswer(c, "write failed: " + e.getMessage());
        }
    }

    private void read(Conn c) {
        try {
            while (true) {
                readBuffer.clear();
                int n = c.channel.read(readBuffer);
                if (n < 0) {
                    if (c.current != null && c.parser.endOfStream()) {
                        finish(c, false);
                    } else {
                        brokenBeforeAnswer(c, "connection closed by the server");
                    }
                    return;
                }
                if (n == 0) {
                    return;
                }
                readBuffer.flip();
                readBuffer.get(readBytes, 0, n);
                if (c.current == null) {
                    close(c); // bytes nobody asked for: the connection is out of step
                    return;
                }
                if (c.parser.feed(readBytes, 0, n)) {
                    finish(c, true);
                    return;
                }
                if (c.parser.failed() != null) {
                    fail(c, c.parser.failed(), false);
                    return;
                }
            }
        } catch (IOException e) {
            brokenBeforeAnswer(c, "read failed: " + e.getMessage());
        }
    }

    private void finish(Conn c, boolean keepAlive) {
        Exchange ex = c.current;
        Response r = c.parser.response();
        c.current = null;
        busy.remove(c);
        if (keepAlive && c.parser.keepAlive()) {
            c.key.interestOps(SelectionKey.OP_READ); // an unexpected close is then noticed while idle
            idle.computeIfAbsent(c.address, a -> new ArrayDeque<>()).addLast(c);
        } else {
            close(c);
        }
        ex.future.complete(r);
    }

    /**
     * A reused keep-alive connection that the server had closed before our request reached it: the
     * request was never read, so it is sent once more on a new connection.
     */
    private void brokenBeforeAnswer(Conn c, String why) {
        Exchange ex = c.current;
        if (ex != null && c.reused && !ex.retried && c.parser.nothingReceived()) {
            ex.retried = true;
            ex.request.rewind();
            busy.remove(c);
            close(c);
            local.add(ex);
            return;
        }
        if (ex == null) {
            close(c); // an idle connection went away
            return;
        }
        fail(c, why, false);
    }

    private void fail(Conn c, String why, boolean timeout) {
        Exchange ex = c.current;
        c.current = null;
        busy.remove(c);
        close(c);
        if (ex != null) {
            ex.future.completeExceptionally(new ExchangeException(why, timeout));
        }
    }

    private void close(Conn c) {
        ArrayDeque<Conn> pool = idle.get(c.address);
        if (pool != null) {
            pool.remove(c);
        }
        c.key.cancel();
        try {
            c.channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void expire(long now) {
        List<Conn> late = new ArrayList<>();
        for (Conn c : busy) {
            if (c.current != null && now - c.current.deadlineNanos > 0) {
                late.add(c);
            }
        }
        for (Conn c : late) {
            fail(c, "timed out", true);
        }
    }

    private void failAll(String why) {
        for (Conn c : new ArrayList<>(busy)) {
            fail(c, why, false);
        }
        for (ArrayDeque<Conn> pool : idle.values()) {
            for (Conn c : new ArrayList<>(pool)) {
                close(c);
            }
        }
        Exchange ex;
        while ((ex = submitted.poll()) != null) {
            local.add(ex);
        }
        while ((ex = local.poll()) != null) {
            ex.future.completeExceptionally(new ExchangeException(why, false));
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Builds a request: method, path, headers (Host, Content-Length added), body. */
    static byte[] request(String method, String hostHeader, String path, Map<String, String> headers, byte[] body) {
        StringBuilder b = new StringBuilder(256);
        b.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Incremental HTTP/1.1 response parser: status line, headers, then a Content-Length, chunked or until-close body. */
    static final class ResponseParser {
        private enum State { HEAD, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, UNTIL_CLOSE, DONE }

        private final ByteArrayBuilder head = new ByteArrayBuilder();
        private final ByteArrayBuilder body = new ByteArrayBuilder();
        private final ByteArrayBuilder line = new ByteArrayBuilder();
        private State state;
        private int status;
        private Map<String, String> headers;
        private long remaining;
        private boolean keepAlive;
        private boolean received;
        private String failed;

        ResponseParser() {
            reset();
        }

        void reset() {
            head.reset();
            body.reset();
            line.reset();
            state = State.HEAD;
            status = 0;
            headers = null;
            remaining = 0;
            keepAlive = true;
            received = false;
            failed = null;
        }

        boolean nothingReceived() {
            return !received;
        }

        String failed() {
            return failed;
        }

        boolean keepAlive() {
            return keepAlive;
        }

        Response response() {
            return new Response(status, headers, body.toByteArray());
        }

        /** At end of stream: true if that completes the response (a body read until close). */
        boolean endOfStream() {
            if (state == State.UNTIL_CLOSE) {
                state = State.DONE;
                keepAlive = false;
                return true;
            }
            return false;
        }

        /** Feeds bytes; true once the response is complete (bytes after it are a protocol error, ignored). */
        boolean feed(byte[] b, int off, int len) {
            received |= len > 0;
            int i = off;
            int end = off + len;
            while (i < end && state != State.DONE && failed == null) {
                switch (state) {
                    case HEAD -> {
                        while (i < end && !head.endsWithBlankLine()) {
                            head.append(b[i++]);
                        }
                        if (head.endsWithBlankLine()) {
                            parseHead();
                        }
                    }
                    case BODY_LENGTH -> {
                        int n = (int) Math.min(remaining, end - i);
                        body.append(b, i, n);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.DONE;
                        }
                    }
                    case CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> {
                        byte c = b[i++];
                        if (c != '\n') {
                            line.append(c);
                            continue;
                        }
                        String text = line.toAscii().trim();
                        line.reset();
                        if (state == State.CHUNK_DATA_END) {
                            state = State.CHUNK_SIZE;
                        } else if (state == State.TRAILERS) {
                            if (text.isEmpty()) {
                                state = State.DONE;
                            }
                        } else {
                            int semi = text.indexOf(';');
                            try {
                                remaining = Long.parseLong(semi < 0 ? text : text.substring(0, semi), 16);
                            } catch (NumberFormatException e) {
                                failed = "bad chunk size '" + text + "'";
                                return false;
                            }
                            state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
                        }
                    }
                    case CHUNK_DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        body.append(b, i, n);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.CHUNK_DATA_END;
                        }
                    }
                    case UNTIL_CLOSE -> {
                        body.append(b, i, end - i);
                        i = end;
                    }
                    default -> i = end;
                }
            }
            return state == State.DONE;
        }

        private void parseHead() {
            String[] lines = head.toAscii().split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException e) {
                failed = "bad status line '" + lines[0] + "'";
                return;
            }
            headers = new HashMap<>();
            for (int k = 1; k < lines.length; k++) {
                int colon = lines[k].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[k].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[k].substring(colon + 1).trim());
                }
            }
            keepAlive = !"close".equalsIgnoreCase(headers.get("connection"));
            String te = headers.get("transfer-encoding");
            String cl = headers.get("content-length");
            if (status / 100 == 1 || status == 204 || status == 304) {
                state = State.DONE;
            } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                state = State.CHUNK_SIZE;
            } else if (cl != null) {
                try {
                    remaining = Long.parseLong(cl);
                } catch (NumberFormatException e) {
                    failed = "bad Content-Length '" + cl + "'";
                    return;
                }
                state = remaining == 0 ? State.DONE : State.BODY_LENGTH;
            } else {
                state = State.UNTIL_CLOSE;
                keepAlive = false;
            }
        }
    }

    /** A growable byte array, reused across responses on one connection. */
    static final class ByteArrayBuilder {
        private byte[] buf = new byte[512];
        private int size;

        void reset() {
            size = 0;
        }

        void append(byte b) {
            ensure(1);
            buf[size++] = b;
        }

        void append(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        boolean endsWithBlankLine() {
            return size >= 4 && buf[size - 4] == '\r' && buf[size - 3] == '\n' && buf[size - 2] == '\r' && buf[size - 1] == '\n';
        }

        String toAscii() {
            return new String(buf, 0, size, StandardCharsets.ISO_8859_1);
        }

        byte[] toByteArray() {
            byte[] out = new byte[size];
            System.arraycopy(buf, 0, out, 0, size);
            return out;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, size + more)];
                System.arraycopy(buf, 0, bigger, 0, size);
                buf = bigger;
            }
        }
    }
}
