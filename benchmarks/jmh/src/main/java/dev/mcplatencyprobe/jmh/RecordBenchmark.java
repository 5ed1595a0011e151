package dev.mcplatencyprobe.jmh;

import dev.mcplatencyprobe.decode.EventBatch;
import dev.mcplatencyprobe.record.LatencyRecorder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per event of decoding records from an EventBatch and recording them (issue target: <= 15 ns).
 * Cycles through 4 different batches (655 KB of records: in L2, like a batch the shim has just
 * filled) so that neither the data nor the branch pattern is the same every invocation.
 * Scores are ns per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBenchmark {
    static final int BATCH_SIZE = 4096;
    private static final int BATCHES = 4;
    /** Longer than a run: the cost of closing windows is not part of the per-event cost. */
    private static final long INTERVAL_NS = TimeUnit.HOURS.toNanos(1);

    private EventBatch[] batches;
    private LatencyRecorder recorder;
    private int next;

    @Setup
    public void setUp() {
        Workload workload = new Workload(42);
        batches = new EventBatch[BATCHES];
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = workload.batch(BATCH_SIZE);
        }
        recorder = new LatencyRecorder(LatencyRecorder.Config.defaults().withIntervalNs(INTERVAL_NS), 0);
        for (EventBatch batch : batches) {
            recorder.record(batch); // every syscall and process seen once: no first-time allocation measured
        }
    }

    private EventBatch nextBatch() {
        EventBatch batch = batches[next];
        next = (next + 1) % BATCHES;
        return batch;
    }

    /** Decode + record: what the consumer thread pays per event. */
    @Benchmark
    @OperationsPerInvocation(BATCH_SIZE)
    public void decodeAndRecord() {
        recorder.record(nextBatch());
    }

    /** Decode only: the same bulk copy and word reads the recorder does, summing the five fields it reads. */
    @Benchmark
    @OperationsPerInvocation(BATCH_SIZE)
    public long decodeOnly() {
        int size = nextBatch().copyWords(words);
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += EventBatch.endNs(words, i) + EventBatch.latencyNs(words, i) + EventBatch.ret(words, i)
                    + EventBatch.tgid(words, i) + EventBatch.nr(words, i);
        }
        return sum;
    }

    private final long[] words = new long[BATCH_SIZE * EventBatch.WORDS_PER_RECORD];
}
