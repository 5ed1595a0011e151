package dev.mcplatencyprobe.bench.overhead;

import dev.mcplatencyprobe.mcp.McpTracker;
import dev.mcplatencyprobe.probe.SyscallProbe;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.concurrent.CountDownLatch;

/**
 * Traces PIDs through the whole pipeline (kernel, shim, batches, histograms) until SIGTERM,
 * then prints what it received: the overhead benchmark's variants (c) and (e).
 */
final class TraceCommand {
    private TraceCommand() {}

    static void run(String[] args) throws InterruptedException {
        SyscallProbe.Builder builder = SyscallProbe.builder();
        McpTracker mcp = null;
        for (String arg : args) {
            if (arg.equals("--mcp")) {
                mcp = new McpTracker();
                builder.mcp(mcp); // the payload hooks too, their records decoded as the CLI does
            } else {
                builder.pid(Long.parseLong(arg));
            }
        }
        McpTracker finalMcp = mcp;
        SyscallProbe probe = builder.open();
        PipelineEnd recorder = new PipelineEnd(probe);
        CountDownLatch done = new CountDownLatch(1);
        long cpuStartNs = CpuClock.processNs();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LossCounters counters;
            try {
                counters = recorder.awaitDrained();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                counters = LossCounters.ZERO;
            }
            long[] payload = finalMcp != null ? probe.payloadCounters() : null;
            long consumerCpuNs = CpuClock.threadNs(recorder.consumerThreadId());
            probe.close(); // stops and joins the consumer: the recorder is complete
            System.out.printf("emitted %d delivered %d recorded %d dropped %d orphan_exits %d state_failures %d"
                            + " consumer_cpu_ms %.1f process_cpu_ms %.1f%n",
                    counters.emitted(), probe.delivered(), counters.recorded(), counters.dropped(),
                    counters.orphanExits(), counters.stateFailures(), consumerCpuNs / 1e6,
                    (CpuClock.processNs() - cpuStartNs) / 1e6);
            if (finalMcp != null) {
                System.out.printf("payload emitted %d dropped %d filtered %d decoded %d%n",
                        payload[0], payload[1], payload[2], finalMcp.records());
            }
            recorder.printSummary(System.out, counters);
            System.out.flush();
            done.countDown();
        }, "report"));
        probe.start(recorder);
        System.out.println("Tracing " + String.join(" ", args));
        System.out.flush();
        done.await();
    }
}
