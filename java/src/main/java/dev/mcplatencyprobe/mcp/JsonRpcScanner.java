package dev.mcplatencyprobe.mcp;

import java.nio.charset.StandardCharsets;

/**
 * A small, strict, bounded scanner for exactly the JSON-RPC 2.0 fields the MCP view needs:
 * {@code jsonrpc}, {@code id}, {@code method}, {@code params.name}, {@code result} and
 * {@code error.code} of a top-level object. It validates the whole object's JSON grammar (what
 * it sees of it), keeps nothing but those fields, never allocates per byte, and bounds depth and
 * the length of every kept string: what a traced process writes is hostile input.
 *
 * <p>{@link #scanObject} reads forwards from the object's first byte; {@link #scanTail} reads a
 * tail backwards from the object's last byte, for messages whose middle was not copied (the
 * official TypeScript SDK writes {@code "id"} last).
 */
final class JsonRpcScanner {
    /** The object ended at the returned index; these two are the other outcomes of {@link #scanObject}. */
    static final int INCOMPLETE = -1;
    static final int INVALID = -2;
    static final int MAX_DEPTH = 64;
    /** Longest method, tool name or id kept; longer ones make the message undecodable. */
    static final int MAX_TEXT = 128;

    /** What was found of one message. Reused: {@link #clear()} before each scan. */
    static final class Fields {
        String jsonrpc;
        String method;
        String tool;   // params.name
        String id;     // "n:<number>" or "s:<string>"; null if absent
        boolean idSeen;
        boolean result;
        boolean error;
        String errorCode;
        boolean tooLong;

        void clear() {
            jsonrpc = method = tool = id = errorCode = null;
            idSeen = result = error = tooLong = false;
        }
    }

    private enum Slot { NONE, JSONRPC, ID, METHOD, PARAMS, TOOL, RESULT, ERROR, ERROR_CODE }

    @SuppressWarnings("serial")
    private static final class Stop extends RuntimeException {
        final int outcome;

        Stop(int outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private static final Stop END = new Stop(INCOMPLETE);
    private static final Stop BAD = new Stop(INVALID);

    private byte[] b;
    private int pos;
    private int to;
    private Fields f;
    private final StringBuilder text = new StringBuilder(MAX_TEXT);

    /**
     * Scans the object starting at {@code b[from] == '{'}, reading at most up to {@code to}.
     * Returns the index after its closing brace, {@link #INCOMPLETE} when {@code to} came first
     * (the fields seen so far are set), or {@link #INVALID}.
     */
    int scanObject(byte[] bytes, int from, int to, Fields into) {
        this.b = bytes;
        this.pos = from;
        this.to = to;
        this.f = into;
        try {
            object(1, Slot.NONE);
            return pos;
        } catch (Stop s) {
            return s.outcome;
        } catch (StackOverflowError e) {
            return INVALID; // cannot happen below MAX_DEPTH, but never let input take the pipeline down
        }
    }

    private byte peek() {
        if (pos >= to) {
            throw END;
        }
        return b[pos];
    }

    private void ws() {
        while (pos < to && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
            pos++;
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw BAD;
        }
        pos++;
    }

    private void object(int depth, Slot slot) {
        if (depth > MAX_DEPTH) {
            throw BAD;
        }
        expect('{');
        ws();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            ws();
            int keyStart = pos;
            string(null);
            int keyEnd = pos;
            ws();
            expect(':');
            ws();
            value(depth, memberSlot(slot, depth, keyStart + 1, keyEnd - 1));
            ws();
            byte c = peek();
            pos++;
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw BAD;
            }
        }
    }

    /** Which field a member is, from its key's raw bytes (a key with escapes is no field of ours). */
    private Slot memberSlot(Slot parent, int depth, int from, int to) {
        if (depth == 1) {
            if (is("jsonrpc", from, to)) return once(f.jsonrpc != null, Slot.JSONRPC);
            if (is("id", from, to)) return once(f.idSeen, Slot.ID);
            if (is("method", from, to)) return once(f.method != null, Slot.METHOD);
            if (is("params", from, to)) return Slot.PARAMS;
            if (is("result", from, to)) return once(f.result, Slot.RESULT);
            if (is("error", from, to)) return once(f.error, Slot.ERROR);
        } else if (depth == 2 && parent == Slot.PARAMS && is("name", from, to)) {
            return once(f.tool != null, Slot.TOOL);
        } else if (depth == 2 && parent == Slot.ERROR && is("code", from, to)) {
            return once(f.errorCode != null, Slot.ERROR_CODE);
        }
        return Slot.NONE;
    }

    /** A field given twice makes the message ambiguous: refuse it rather than pick one. */
    private static Slot once(boolean seen, Slot slot) {
        if (seen) {
            throw BAD;
        }
        return slot;
    }

    private boolean is(String key, int from, int to) {
        if (to - from != key.length()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (b[from + i] != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void value(int depth, Slot slot) {
        byte c = peek();
        switch (slot) {
            case RESULT -> f.result = true;
            case ERROR -> {
                f.error = true;
                if (c != '{') {
                    throw BAD;
                }
            }
            case ID -> f.idSeen = true;
            default -> { }
        }
        if (c == '{') {
            object(depth + 1, slot == Slot.PARAMS || slot == Slot.ERROR ? slot : Slot.NONE);
            if (slot == Slot.ID || slot == Slot.METHOD || slot == Slot.JSONRPC || slot == Slot.TOOL || slot == Slot.ERROR_CODE) {
                throw BAD;
            }
        } else if (c == '[') {
            if (slot != Slot.NONE && slot != Slot.RESULT && slot != Slot.PARAMS) {
                throw BAD;
            }
            array(depth + 1);
        } else if (c == '"') {
            boolean keep = slot == Slot.ID || slot == Slot.METHOD || slot == Slot.JSONRPC || slot == Slot.TOOL;
            if (slot == Slot.ERROR_CODE) {
                throw BAD;
            }
            text.setLength(0);
            string(keep ? text : null);
            if (keep) {
                String s = text.length() > MAX_TEXT ? null : text.toString();
                if (s == null) {
                    f.tooLong = true;
                }
                switch (slot) {
                    case ID -> f.id = s == null ? null : "s:" + s;
                    case METHOD -> f.method = s;
                    case JSONRPC -> f.jsonrpc = s;
                    case TOOL -> f.tool = s;
                    default -> { }
                }
            }
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            number();
            if (slot == Slot.ID || slot == Slot.ERROR_CODE) {
                String n = pos - start > 32 ? null : new String(b, start, pos - start, StandardCharsets.US_ASCII);
                if (n == null) {
                    f.tooLong = true;
                }
                if (slot == Slot.ID) {
                    f.id = n == null ? null : "n:" + n;
                } else {
                    f.errorCode = n;
                }
            } else if (slot == Slot.METHOD || slot == Slot.JSONRPC || slot == Slot.TOOL) {
                throw BAD;
            }
        } else {
            literal(c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : null);
            if (slot == Slot.METHOD || slot == Slot.JSONRPC || slot == Slot.TOOL || slot == Slot.ERROR_CODE) {
                throw BAD; // a null id is allowed (a response to an unparsable request)
            }
        }
    }

    private void array(int depth) {
        if (depth > MAX_DEPTH) {
            throw BAD;
        }
        expect('[');
        ws();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            ws();
            value(depth, Slot.NONE);
            ws();
            byte c = peek();
            pos++;
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw BAD;
            }
        }
    }

    private void literal(String word) {
        if (word == null) {
            throw BAD;
        }
        for (int i = 0; i < word.length(); i++) {
            if (peek() != word.charAt(i)) {
                throw BAD;
            }
            pos++;
        }
    }

    private void number() {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (pos < to && b[pos] == '.') {
            pos++;
            digits();
        }
        if (pos < to && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        peek(); // a number that reaches the end may go on in the bytes not seen
    }

    private void digits() {
        if (peek() < '0' || peek() > '9') {
            throw BAD;
        }
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
    }

    /** A JSON string at pos; decoded into {@code into} (up to MAX_TEXT + 1 chars) if not null. */
    private void string(StringBuilder into) {
        expect('"');
        int utf8Start = -1;
        while (true) {
            byte c = peek();
            pos++;
            if (c == '"') {
                return;
            }
            if ((c & 0xff) < 0x20) {
                throw BAD;
            }
            if (c == '\\') {
                byte e = peek();
                pos++;
                char out;
                switch (e) {
                    case '"' -> out = '"';
                    case '\\' -> out = '\\';
                    case '/' -> out = '/';
                    case 'b' -> out = '\b';
                    case 'f' -> out = '\f';
                    case 'n' -> out = '\n';
                    case 'r' -> out = '\r';
                    case 't' -> out = '\t';
                    case 'u' -> {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int h = Character.digit(peek(), 16);
                            if (h < 0) {
                                throw BAD;
                            }
                            v = v * 16 + h;
                            pos++;
                        }
                        out = (char) v;
                    }
                    default -> throw BAD;
                }
                if (into != null && into.length() <= MAX_TEXT) {
                    into.append(out);
                }
            } else if (into != null && into.length() <= MAX_TEXT) {
                // Names are ASCII in practice; other bytes are kept as Latin-1 so the length stays bounded.
                into.append((char) (c & 0xff));
            }
        }
    }

    /**
     * Reads the top-level members at the end of an object backwards, from its closing brace (the
     * last non-blank byte of {@code b[from, to)}) until a member whose value is an object or array,
     * the object's opening brace, or {@code from}. Only members with string, number or literal values
     * can be read this way; {@code id}, {@code jsonrpc} and {@code method} are such members.
     *
     * @return true when the closing brace was found (some fields may have been set)
     */
    boolean scanTail(byte[] bytes, int from, int to, Fields into) {
        int p = to - 1;
        while (p >= from && isBlank(bytes[p])) {
            p--;
        }
        if (p < from || bytes[p] != '}') {
            return false;
        }
        p--;
        while (true) {
            p = skipBlankBack(bytes, from, p);
            if (p < from) {
                return true;
            }
            int valueEnd = p + 1;
            int valueStart;
            boolean isString = bytes[p] == '"';
            if (isString) {
                valueStart = openingQuote(bytes, from, p);
                if (valueStart < 0) {
                    return true;
                }
            } else if (isScalarByte(bytes[p])) {
                valueStart = p;
                while (valueStart - 1 >= from && isScalarByte(bytes[valueStart - 1])) {
                    valueStart--;
                }
                if (valueStart == from) {
                    return true; // the value may begin before what was copied
                }
            } else {
                return true; // '}' or ']': a nested value, or '{': the object's start
            }
            p = skipBlankBack(bytes, from, valueStart - 1);
            if (p < from || bytes[p] != ':') {
                return true;
            }
            p = skipBlankBack(bytes, from, p - 1);
            if (p < from || bytes[p] != '"') {
                return true;
            }
            int keyStart = openingQuote(bytes, from, p);
            if (keyStart < 0) {
                return true;
            }
            p = skipBlankBack(bytes, from, keyStart - 1);
            if (p < from || (bytes[p] != ',' && bytes[p] != '{')) {
                return true; // not a member boundary: inside a string or a nested value
            }
            setFromTail(bytes, keyStart + 1, p < from ? 0 : keyStart, valueStart, valueEnd, isString, into);
            if (bytes[p] == '{') {
                return true;
            }
            p--;
        }
    }

    private void setFromTail(byte[] bytes, int keyFrom, int keyQuote, int valueStart, int valueEnd, boolean isString, Fields into) {
        int keyTo = keyFrom;
        while (bytes[keyTo] != '"') {
            keyTo++;
        }
        this.b = bytes;
        String value;
        if (isString) {
            // Re-scan the string forwards with the strict grammar.
            this.pos = valueStart;
            this.to = valueEnd;
            text.setLength(0);
            try {
                string(text);
            } catch (Stop s) {
                return;
            }
            value = text.length() > MAX_TEXT ? null : text.toString();
        } else {
            value = valueEnd - valueStart > 32 ? null : new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.US_ASCII);
            if (value != null && !value.equals("null") && !value.equals("true") && !value.equals("false")
                    && !value.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                return;
            }
        }
        if (value == null) {
            into.tooLong = true;
            return;
        }
        if (is2(bytes, "id", keyFrom, keyTo) && !into.idSeen) {
            into.idSeen = true;
            into.id = value.equals("null") ? null : (isString ? "s:" : "n:") + value;
        } else if (is2(bytes, "jsonrpc", keyFrom, keyTo) && into.jsonrpc == null && isString) {
            into.jsonrpc = value;
        } else if (is2(bytes, "method", keyFrom, keyTo) && into.method == null && isString) {
            into.method = value;
        }
    }

    private static boolean is2(byte[] bytes, String key, int from, int to) {
        if (to - from != key.length()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (bytes[from + i] != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The index of the quote that opens the string closed at {@code close}; -1 if not within [from, close). */
    private static int openingQuote(byte[] bytes, int from, int close) {
        for (int q = close - 1; q >= from; q--) {
            if (bytes[q] == '"') {
                int backslashes = 0;
                for (int k = q - 1; k >= from && bytes[k] == '\\'; k--) {
                    backslashes++;
                }
                if (q - backslashes == from && backslashes > 0) {
                    return -1; // cannot tell whether the run of backslashes began earlier
                }
                if (backslashes % 2 == 0) {
                    return q;
                }
            }
        }
        return -1;
    }

    private static int skipBlankBack(byte[] bytes, int from, int p) {
        while (p >= from && isBlank(bytes[p])) {
            p--;
        }
        return p;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isScalarByte(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E';
    }
}
