package dev.mcplatencyprobe.report;

/**
 * Text that a traced process chose (its comm, its command line) or that names something on the
 * host (a unit), made safe to print on a terminal, in the journal and in a text file: every
 * control character, newlines included, becomes {@code \xNN} (and a backslash {@code \\}, so the
 * escaping cannot be forged), characters that reorder or break lines ({@code U+2028},
 * bidirectional overrides) become {@code \\u{XXXX}} (one backslash), and the result is capped at
 * {@link #MAX_CHARS}. The one place for this rule: every text line that shows such a name goes
 * through {@link #escape}. JSON has its own escaping ({@link JsonReport}) and is not capped.
 */
public final class SafeText {
    /** Longest name printed: longer ones are cut and end in "...". */
    public static final int MAX_CHARS = 128;
    private static final String CUT = "...";

    private SafeText() {}

    /** {@code value} escaped and capped; null stays null. */
    public static String escape(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8);
        for (int i = 0; i < value.length(); i++) {
            int before = out.length();
            char c = value.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (reordersOrBreaks(c)) {
                out.append(String.format("\\u{%04x}", (int) c));
            } else {
                out.append(c);
            }
            if (out.length() > MAX_CHARS - CUT.length() && (i < value.length() - 1 || out.length() > MAX_CHARS)) {
                out.setLength(before);
                return out.append(CUT).toString();
            }
        }
        return out.toString();
    }

    /** Line and paragraph separators, bidirectional embeddings, overrides and isolates. */
    private static boolean reordersOrBreaks(char c) {
        return c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
