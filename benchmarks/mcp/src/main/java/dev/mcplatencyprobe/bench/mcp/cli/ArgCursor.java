package dev.mcplatencyprobe.bench.mcp.cli;

import dev.mcplatencyprobe.report.Durations;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Walks a command line one option at a time. Accepts {@code --name value} and {@code --name=value};
 * every parse failure is a {@link UsageException} whose message names the option and what it wants.
 */
public final class ArgCursor {
    private final String[] args;
    private int next;
    private String option;
    private String inlineValue;

    public ArgCursor(String[] args) {
        this.args = args.clone();
    }

    public boolean hasNext() {
        return next < args.length;
    }

    /** Advances to the next token and returns it as an option name (the part before any '='). */
    public String nextOption() {
        String token = args[next++];
        inlineValue = null;
        if (token.startsWith("--")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                inlineValue = token.substring(eq + 1);
                token = token.substring(0, eq);
            }
        }
        option = token;
        return token;
    }

    /** The value of the current option, from '=' or from the next token. */
    public String value() throws UsageException {
        if (inlineValue != null) {
            String v = inlineValue;
            inlineValue = null;
            return v;
        }
        if (next >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[next++];
    }

    /** Fails if the current option was written as {@code --flag=value} although it takes none. */
    public void noValue() throws UsageException {
        if (inlineValue != null) {
            throw new UsageException(option + " takes no value");
        }
    }

    public int intValue(int min, int max) throws UsageException {
        return parseInt(option, value(), min, max);
    }

    public Duration durationValue() throws UsageException {
        return parseDuration(option, value());
    }

    public static int parseInt(String what, String text, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                throw new UsageException(what + ": " + v + " is out of range " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": '" + text + "' is not a whole number (" + min + ".." + max + ")");
        }
    }

    /** "30", "30s", "500ms", "2m", "1h": the probe's own grammar ({@link Durations#parseNanos}); a bare number means seconds. */
    public static Duration parseDuration(String what, String text) throws UsageException {
        OptionalLong nanos = Durations.parseNanos(text);
        if (nanos.isEmpty()) {
            throw new UsageException(what + ": '" + text + "' is not a duration (e.g. 30, 30s, 500ms, 2m)");
        }
        return Duration.ofNanos(nanos.getAsLong());
    }
}
