package dev.mcplatencyprobe.bench.overhead;

import dev.mcplatencyprobe.binding.Shim;
import dev.mcplatencyprobe.probe.SyscallProbe;
import java.lang.management.ManagementFactory;

/**
 * Start-up: JVM start, load, fill the filter, attach, then the line a user waits for. Before it,
 * a line says where the time went: JVM start to main, loading the shim through JNA (which
 * open() would otherwise do first), and open() itself (validation, BPF load and verification,
 * filter, attach).
 */
final class AttachCommand {
    private AttachCommand() {}

    static void run(String[] args) {
        long mainMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        long pid = Long.parseLong(args[0]);
        long t0 = System.nanoTime();
        Shim.load();
        long t1 = System.nanoTime();
        try (SyscallProbe probe = SyscallProbe.builder().pid(pid).open()) {
            long t2 = System.nanoTime();
            probe.start(new PipelineEnd(probe));
            long t3 = System.nanoTime();
            System.out.printf("startup jvm_to_main_ms %d shim_load_ms %.1f open_ms %.1f start_ms %.1f%n",
                    mainMs, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
            System.out.println("Tracing PID " + pid + " (" + probe.programCount() + " programs attached)");
            System.out.flush();
        }
    }
}
