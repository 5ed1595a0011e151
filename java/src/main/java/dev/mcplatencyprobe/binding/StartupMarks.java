package dev.mcplatencyprobe.binding;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the start-up time goes, phase by phase: with {@code -Dmcp-latency-probe.startup.marks=true} each
 * stage notes the {@link System#nanoTime()} at which it finished, and {@link #line()} prints them
 * as milliseconds since {@code main} on one line ({@code benchmarks/overhead/run-startup.sh} reads
 * it). Off by default: then {@link #mark} is one static boolean read. In the lowest layer so every
 * stage, the binding included, can mark without knowing the others.
 */
public final class StartupMarks {
    private static final boolean ON = Boolean.getBoolean("mcp-latency-probe.startup.marks");
    private static final long ORIGIN_NS = System.nanoTime();
    private static final List<String> NAMES = new ArrayList<>();
    private static final List<Long> TIMES = new ArrayList<>();

    private StartupMarks() {}

    public static boolean enabled() {
        return ON;
    }

    /** Notes that {@code phase} ended now (on whichever thread ran it). */
    public static void mark(String phase) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        synchronized (NAMES) {
            NAMES.add(phase + "@" + Thread.currentThread().getName());
            TIMES.add(now);
        }
    }

    /**
     * "startup-marks PHASE@THREAD=MS ..." in the order noted, MS since this class was first used
     * (Main marks that as {@code main}); null when off.
     */
    public static String line() {
        if (!ON) {
            return null;
        }
        StringBuilder b = new StringBuilder("startup-marks");
        synchronized (NAMES) {
            for (int i = 0; i < NAMES.size(); i++) {
                b.append(' ').append(NAMES.get(i)).append('=')
                        .append(String.format("%.1f", (TIMES.get(i) - ORIGIN_NS) / 1e6));
            }
        }
        return b.toString();
    }
}
