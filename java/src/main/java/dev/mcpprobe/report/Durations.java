package dev.mcpprobe.report;

import java.util.Locale;

/** Durations for people: latencies to three significant digits, spans and limits compactly. */
public final class Durations {
    private static final String[] UNITS = {"ns", "µs", "ms", "s"};

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
