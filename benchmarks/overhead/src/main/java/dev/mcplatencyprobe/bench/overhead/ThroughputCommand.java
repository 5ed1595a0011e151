package dev.mcplatencyprobe.bench.overhead;

import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * A syscall storm on CPU 0, traced with default settings, this JVM (pinned by the script) on the
 * other CPU: events/s delivered, drops, and what the consumer costs.
 */
final class ThroughputCommand {
    private ThroughputCommand() {}

    static void run(String[] args) throws InterruptedException {
        List<String> storm = new ArrayList<>(List.of("taskset", "-c", "0", args[0], "-s", args[1]));
        if (args.length > 2) {
            storm.addAll(List.of("-r", args[2]));
        }
        PipelineEnd recorder;
        LossCounters counters;
        try (SyscallProbe probe = SyscallProbe.builder().launch(storm).open()) {
            recorder = new PipelineEnd(probe);
            long startNs = System.nanoTime();
            long cpuStartNs = CpuClock.processNs();
            probe.start(recorder);
            int status = probe.launched().orElseThrow().waitFor();
            long stormEndNs = System.nanoTime();
            counters = recorder.awaitDrained();
            long endNs = System.nanoTime();
            long processCpuNs = CpuClock.processNs() - cpuStartNs;
            long consumerCpuNs = CpuClock.threadNs(recorder.consumerThreadId());
            double stormS = (stormEndNs - startNs) / 1e9;
            double windowS = (endNs - startNs) / 1e9;
            System.out.printf("storm_exit %d storm_s %.3f delivered %d events_per_s %.0f emitted %d dropped %d"
                            + " orphan_exits %d state_failures %d consumer_cpu_pct %.2f process_cpu_pct %.2f%n",
                    status, stormS, probe.delivered(), probe.delivered() / stormS, counters.emitted(),
                    counters.dropped(), counters.orphanExits(), counters.stateFailures(),
                    100.0 * consumerCpuNs / (endNs - startNs), 100.0 * processCpuNs / (endNs - startNs));
            System.out.printf("window_s %.3f%n", windowS);
        }
        recorder.printSummary(System.out, counters);
    }
}
