package dev.mcplatencyprobe.report;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations for people: latencies to three significant digits, spans and limits compactly, and the one grammar in which they write them. */
public final class Durations {
    private static final String[] UNITS = {"ns", "µs", "ms", "s"};
    /** Plain decimals only: Double.parseDouble alone would also take "1e3", "NaN" or "0x1p3". */
    private static final Pattern WRITTEN = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)?");
    /** The longest duration {@link #parseNanos} takes: 10^18 ns, about 31 years. */
    public static final long MAX_PARSED_NS = 1_000_000_000_000_000_000L;

    /**
     * A duration as people write it, the one grammar of every command line in the project (the CLI's
     * and the benchmarks'): {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1.5s},
     * {@code 250us} (or {@code µs}), {@code 100ns}; a bare number is seconds; case and surrounding
     * blanks do not matter. Returns the nanoseconds (fractions of a nanosecond dropped), or empty
     * when {@code text} is not written so (a sign, an exponent, another unit) or is longer than
     * {@link #MAX_PARSED_NS}: each command line says which in its own words.
     */
    public static OptionalLong parseNanos(String text) {
        Matcher m = WRITTEN.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        double nanos = Double.parseDouble(m.group(1)) * switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ns" -> 1d;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return nanos > MAX_PARSED_NS ? OptionalLong.empty() : OptionalLong.of((long) nanos);
    }

    /** True when {@code text} is written in {@link #parseNanos}'s grammar, however long. */
    public static boolean isWrittenAsDuration(String text) {
        return WRITTEN.matcher(text.trim().toLowerCase(Locale.ROOT)).matches();
    }

    /** A latency to three significant digits: {@code 850ns}, {@code 12.3µs}, {@code 1.53ms}, {@code 2.10s}. */
    public static String latency(long ns) {
        if (ns < 0) {
            return "-" + latency(-Math.max(ns, -Long.MAX_VALUE));
        }
        if (ns < 1_000) {
            return ns + "ns";
        }
        double value = ns;
        int unit = 0;
        while (unit < UNITS.length - 1 && value >= 999.5) {
            value /= 1_000;
            unit++;
        }
        String digits = value >= 99.95 ? "%.0f" : value >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits, value) + UNITS[unit];
    }

    /** An exact limit in the largest unit that divides it: {@code 50ms}, {@code 1s}, {@code 1500µs}. */
    public static String limit(long ns) {
        if (ns != 0 && ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns != 0 && ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns != 0 && ns % 1_000L == 0) {
            return ns / 1_000L + "µs";
        }
        return ns + "ns";
    }

    /** A span of time: {@code 500ms}, {@code 10s}, {@code 12.5s}, {@code 2m}, {@code 1m 5s}, {@code 1h 2m 5s}. */
    public static String span(long ns) {
        if (ns < 1_000_000_000L) {
            return Math.round(ns / 1e6) + "ms";
        }
        long tenths = Math.round(ns / 1e8);
        if (tenths < 600) {
            return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
        }
        long seconds = tenths / 10;
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(out.length() > 0 ? " " : "").append(minutes).append('m');
        }
        if (secs > 0) {
            out.append(out.length() > 0 ? " " : "").append(secs).append('s');
        }
        return out.toString();
    }

    private Durations() {}
}
