package dev.mcplatencyprobe.jmh;

import dev.mcplatencyprobe.decode.EventBatch;
import java.util.SplittableRandom;

/**
 * Batches of syscall records shaped like a busy MCP server: mostly fast calls, a tail up to
 * 100 ms, 16 syscalls with skewed frequencies, 4 processes whose events come in short runs,
 * 2% failures; end times 1 µs apart.
 */
final class Workload {
    private static final int[] SYSCALLS = {0, 1, 202, 232, 7, 257, 3, 44, 45, 230, 9, 11, 5, 8, 16, 281};
    private static final int[] TGIDS = {4101, 4102, 7310, 9999};

    private final SplittableRandom random;
    private long endNs = 1_000_000_000L;
    private int tgid = TGIDS[0];

    Workload(long seed) {
        random = new SplittableRandom(seed);
    }

    EventBatch batch(int size) {
        EventBatch batch = EventBatch.allocate(size);
        for (int i = 0; i < size; i++) {
            if (random.nextInt(8) == 0) {
                tgid = TGIDS[random.nextInt(TGIDS.length)]; // runs of about 8 events per process
            }
            int nr = SYSCALLS[Math.min(SYSCALLS.length - 1, (int) (-Math.log(random.nextDouble()) * 3))];
            long ret = random.nextInt(50) == 0 ? -11 : random.nextInt(4096);
            batch.add(endNs, latencyNs(), ret, tgid, tgid + random.nextInt(3), nr);
            endNs += 1_000;
        }
        return batch;
    }

    /** Log-uniform within bands: 70% 200 ns..5 µs, 25% ..1 ms, 4.9% ..40 ms, 0.1% ..100 ms. */
    private long latencyNs() {
        int band = random.nextInt(1000);
        double lo;
        double hi;
        if (band < 700) {
            lo = 200; hi = 5_000;
        } else if (band < 950) {
            lo = 5_000; hi = 1_000_000;
        } else if (band < 999) {
            lo = 1_000_000; hi = 40_000_000;
        } else {
            lo = 40_000_000; hi = 100_000_000;
        }
        return (long) Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }
}
