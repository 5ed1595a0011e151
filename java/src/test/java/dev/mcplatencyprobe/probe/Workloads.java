package dev.mcplatencyprobe.probe;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.syscall.Syscalls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs known workloads under a probe and tallies what it delivered. */
final class Workloads {
    static final Syscalls SYSCALLS = Syscalls.forCurrentArch();
    static final int READ = SYSCALLS.number("read").getAsInt();
    static final int WRITE = SYSCALLS.number("write").getAsInt();

    /** What a probe delivered, tallied per syscall number and per process. */
    static final class Tally {
        final Map<Integer, Long> countByNr = new HashMap<>();
        final Map<Integer, List<Long>> latenciesByNr = new HashMap<>();
        final Map<Integer, Map<Integer, Long>> countByTgidNr = new HashMap<>();
        final Set<Integer> tgids = new HashSet<>();
        long total;

        void add(EventBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                int nr = batch.nr(i);
                countByNr.merge(nr, 1L, Long::sum);
                latenciesByNr.computeIfAbsent(nr, k -> new ArrayList<>()).add(batch.latencyNs(i));
                countByTgidNr.computeIfAbsent(batch.tgid(i), k -> new HashMap<>()).merge(nr, 1L, Long::sum);
                tgids.add(batch.tgid(i));
                total++;
            }
        }

        long count(String syscall) {
            return countByNr.getOrDefault(SYSCALLS.number(syscall).getAsInt(), 0L);
        }

        long count(int tgid, String syscall) {
            return countByTgidNr.getOrDefault(tgid, Map.of()).getOrDefault(SYSCALLS.number(syscall).getAsInt(), 0L);
        }

        List<Long> latencies(String syscall) {
            return latenciesByNr.getOrDefault(SYSCALLS.number(syscall).getAsInt(), List.of());
        }
    }

    /** Polls until {@code process} has exited, then drains what is left in the ring. */
    static Tally drainUntilExit(SyscallProbe probe, Process process, Duration limit) throws InterruptedException {
        Tally tally = new Tally();
        EventBatch batch = EventBatch.allocate(4096);
        long deadline = System.nanoTime() + limit.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("workload did not finish within " + limit);
            }
            probe.poll(batch, Duration.ofMillis(10));
            tally.add(batch);
        }
        process.waitFor();
        // Every record was submitted before the process exited: what is left is in the ring now.
        while (probe.poll(batch, Duration.ZERO) > 0) {
            tally.add(batch);
        }
        return tally;
    }

    static Process start(String... argv) throws IOException {
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void waitQuietly(Process p) throws InterruptedException {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private Workloads() {}
}
