package dev.mcplatencyprobe.bench.overhead;

import dev.mcplatencyprobe.probe.ProbeException;
import java.util.Arrays;

/**
 * The Java side of the overhead and throughput benchmarks; the scripts next to the pom run it.
 *
 * <pre>
 *   trace PID                   traces PID into histograms until SIGTERM, then prints counters
 *   attach PID                  opens a probe on PID, prints "Tracing", exits (start-up time)
 *   throughput LOOP SECONDS [RATE]  launches "taskset -c 0 LOOP -s SECONDS [-r RATE]" traced,
 *                               prints events/s delivered, drops and the consumer's CPU
 * </pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        try {
            switch (command) {
                case "trace" -> TraceCommand.run(rest);
                case "attach" -> AttachCommand.run(rest);
                case "throughput" -> ThroughputCommand.run(rest);
                default -> {
                    System.err.println("usage: java -jar overhead-bench.jar trace PID | attach PID | throughput LOOP SECONDS [RATE]");
                    System.exit(2);
                }
            }
        } catch (ProbeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }
}
