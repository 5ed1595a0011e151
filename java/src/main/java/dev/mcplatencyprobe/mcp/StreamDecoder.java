package dev.mcplatencyprobe.mcp;

import java.util.Arrays;

/**
 * Cuts the JSON-RPC messages out of one stream's reads or writes (one process, one file descriptor,
 * one direction), as the kernel copied them: the whole data, or a head and a tail with the middle
 * missing. Understands newline-delimited JSON (stdio), HTTP/1.1 messages with JSON bodies, chunked
 * bodies and SSE {@code data:} lines, by looking for objects at the start of lines and after
 * {@code data:}. A message split over several reads is carried (up to {@link #MAX_CARRY} bytes);
 * one whose middle was not copied is decoded from its head and tail when they cannot belong to
 * different messages, and counted as cut otherwise. Nothing is guessed: what does not decode is
 * counted, and after a loss the decoder waits for the next line before it reads objects again.
 */
final class StreamDecoder {
    /** The most bytes of one unfinished message kept between reads. */
    static final int MAX_CARRY = 16 * 1024;
    /** The most bytes of an unfinished non-JSON line (an HTTP header) kept between reads. */
    private static final int MAX_LINE_CARRY = 2048;

    interface Sink {
        void message(McpMessage message);
        void undecodable();
    }

    private final JsonRpcScanner scanner;
    private final JsonRpcScanner.Fields head = new JsonRpcScanner.Fields();
    private final JsonRpcScanner.Fields tail = new JsonRpcScanner.Fields();
    private byte[] work = new byte[McpRecordLayout.HEAD_BYTES + McpRecordLayout.TAIL_BYTES];
    private int carry;
    private boolean resync;

    StreamDecoder(JsonRpcScanner scanner) {
        this.scanner = scanner;
    }

    /** Bytes held for a message that continues in the next read. */
    int carried() {
        return carry;
    }

    /**
     * @param data     the head bytes, then the tail bytes
     * @param gapped   true when bytes between the head and the tail were not copied
     */
    void feed(byte[] data, int headLen, int tailLen, boolean gapped, Sink sink) {
        int take = gapped ? headLen : headLen + tailLen;
        if (work.length < carry + take) {
            work = Arrays.copyOf(work, carry + take);
        }
        System.arraycopy(data, 0, work, carry, take);
        int n = carry + take;
        carry = 0;
        int p = 0;
        if (resync) {
            int nl = indexOf(work, (byte) '\n', 0, n);
            if (nl < 0) {
                if (gapped) {
                    tailOnly(data, headLen, tailLen, sink);
                }
                return;
            }
            p = nl + 1;
            resync = false;
        }
        while (true) {
            p = skipBlank(work, p, n);
            if (p >= n) {
                break;
            }
            if (work[p] == '{') {
                head.clear();
                int r = scanner.scanObject(work, p, n, head);
                if (r >= 0) {
                    emit(McpMessage.of(head, true), sink);
                    p = r;
                } else if (r == JsonRpcScanner.INVALID) {
                    sink.undecodable();
                    p = lineAfter(work, p, n);
                } else if (!gapped) {
                    keep(p, n, MAX_CARRY, sink);
                    return;
                } else {
                    mergeWithTail(data, headLen, tailLen, sink);
                    return;
                }
            } else if (startsWith(work, p, n, "data:")) {
                p += 5;
            } else {
                int next = lineAfter(work, p, n);
                if (next >= n && indexOf(work, (byte) '\n', p, n) < 0) {
                    if (!gapped) {
                        keep(p, n, MAX_LINE_CARRY, null);
                        return;
                    }
                    break;
                }
                p = next;
            }
        }
        if (gapped) {
            tailOnly(data, headLen, tailLen, sink);
        }
    }

    private void keep(int from, int to, int max, StreamDecoder.Sink lossSink) {
        int len = to - from;
        if (len > max) {
            if (lossSink != null) {
                lossSink.undecodable();
            }
            resync = true;
            return;
        }
        System.arraycopy(work, from, work, 0, len);
        carry = len;
    }

    /** The head ended inside an object whose end is in the tail, unless the tail holds a line break. */
    private void mergeWithTail(byte[] data, int headLen, int tailLen, Sink sink) {
        int end = trimEnd(data, headLen, headLen + tailLen);
        if (indexOf(data, (byte) '\n', headLen, end) >= 0) {
            sink.undecodable(); // the tail ends another message: the head's lost its end
            tailOnly(data, headLen, tailLen, sink);
            return;
        }
        tail.clear();
        if (!scanner.scanTail(data, headLen, headLen + tailLen, tail) || !merge(head, tail)) {
            sink.undecodable();
            resync = true;
            return;
        }
        emit(McpMessage.of(head, false), sink);
        resync = false;
    }

    /** Complete objects that start on a line of the tail (the head's last object was lost in the gap). */
    private void tailOnly(byte[] data, int headLen, int tailLen, Sink sink) {
        int to = headLen + tailLen;
        int p = indexOf(data, (byte) '\n', headLen, to);
        resync = true;
        while (p >= 0 && p < to) {
            p = skipBlank(data, p + 1, to);
            if (startsWith(data, p, to, "data:")) {
                p = skipBlank(data, p + 5, to);
            }
            if (p < to && data[p] == '{') {
                tail.clear();
                int r = scanner.scanObject(data, p, to, tail);
                if (r >= 0) {
                    emit(McpMessage.of(tail, true), sink);
                    resync = false;
                    p = r;
                    continue;
                }
            }
            p = indexOf(data, (byte) '\n', p, to);
        }
        if (trimEnd(data, headLen, to) < to) {
            resync = false; // the data ended at a line break: the next read starts a line
        }
    }

    /** Adds the tail's fields to the head's; false if they contradict each other. */
    private static boolean merge(JsonRpcScanner.Fields into, JsonRpcScanner.Fields from) {
        if (from.tooLong) {
            into.tooLong = true;
        }
        if (from.idSeen) {
            if (into.idSeen && !java.util.Objects.equals(into.id, from.id)) {
                return false;
            }
            into.idSeen = true;
            into.id = from.id;
        }
        if (from.method != null) {
            if (into.method != null && !into.method.equals(from.method)) {
                return false;
            }
            into.method = from.method;
        }
        if (from.jsonrpc != null) {
            if (into.jsonrpc != null && !into.jsonrpc.equals(from.jsonrpc)) {
                return false;
            }
            into.jsonrpc = from.jsonrpc;
        }
        return true;
    }

    private static void emit(McpMessage m, Sink sink) {
        if (m == null) {
            sink.undecodable();
        } else {
            sink.message(m);
        }
    }

    private static int skipBlank(byte[] b, int p, int n) {
        while (p < n && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        return p;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t' || b[to - 1] == '\r' || b[to - 1] == '\n')) {
            to--;
        }
        return to;
    }

    private static int lineAfter(byte[] b, int p, int n) {
        int nl = indexOf(b, (byte) '\n', p, n);
        return nl < 0 ? n : nl + 1;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = Math.max(from, 0); i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int p, int n, String s) {
        if (n - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
