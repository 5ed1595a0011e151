package dev.mcpprobe.bench.overhead;

import dev.mcpprobe.probe.SyscallProbe;

/** Start-up: JVM start, load, fill the filter, attach, then the line a user waits for. */
final class AttachCommand {
    private AttachCommand() {}

    static void run(String[] args) {
        long pid = Long.parseLong(args[0]);
        try (SyscallProbe probe = SyscallProbe.builder().pid(pid).open()) {
            probe.start(new LatencyRecorder());
            System.out.println("Tracing PID " + pid + " (" + probe.programCount() + " programs attached)");
            System.out.flush();
        }
    }
}
