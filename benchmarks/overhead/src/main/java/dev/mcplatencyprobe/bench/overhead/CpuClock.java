package dev.mcplatencyprobe.bench.overhead;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of this JVM and of one of its threads, in ns. */
final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuClock() {}

    /** user + system time of the whole process: every thread, JIT and GC included. */
    static long processNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** user + system time of thread {@code id}; 0 if unknown. */
    static long threadNs(long id) {
        if (id < 0) {
            return 0;
        }
        long ns = THREADS.getThreadCpuTime(id);
        return Math.max(ns, 0);
    }
}
