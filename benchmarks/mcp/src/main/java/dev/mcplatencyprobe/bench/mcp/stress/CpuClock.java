package dev.mcplatencyprobe.bench.mcp.stress;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time (user + system) of this JVM and of other processes, so a run can say what the load
 * generator cost next to what the servers cost.
 */
final class CpuClock {
    /**
     * /proc/PID/stat counts in clock ticks of USER_HZ, which Linux fixes at 100 for user space on
     * every architecture this project builds for.
     */
    static final long NANOS_PER_TICK = 10_000_000L;

    private CpuClock() {
    }

    /** This process's CPU time in nanoseconds, all threads (GC and JIT included). */
    static long selfNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        return processNanos(ProcessHandle.current().pid()).orElse(0);
    }

    /**
     * CPU time of a process and of its live descendants, from /proc (utime + stime, 10 ms steps);
     * empty if the process is gone or unreadable.
     */
    static OptionalLong treeNanos(long pid) {
        OptionalLong own = processNanos(pid);
        if (own.isEmpty()) {
            return own;
        }
        long sum = own.getAsLong();
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            for (ProcessHandle child : (Iterable<ProcessHandle>) handle.get().descendants()::iterator) {
                sum += processNanos(child.pid()).orElse(0);
            }
        }
        return OptionalLong.of(sum);
    }

    static OptionalLong processNanos(long pid) {
        try {
            return OptionalLong.of(parseStatTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * NANOS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** utime + stime from a /proc/PID/stat line; the command name (field 2) may hold spaces and ')'. */
    static long parseStatTicks(String stat) {
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split("\\s+");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15.
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
