package dev.mcplatencyprobe.export.prometheus;

import dev.mcplatencyprobe.snapshot.LatencySnapshot;
import dev.mcplatencyprobe.snapshot.LossCounters;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LatencyCollector} exports at one scrape: cumulative since the start, so that every
 * exported count only grows (Prometheus computes rates and windows itself).
 *
 * @param targets      the whole-run snapshot of each target, by the target's label value
 * @param loss         the probe's loss counters since it started
 * @param unreadEvents records in the ring buffer not read yet (emitted minus delivered); -1 if unknown
 * @param unreadBytes  the ring buffer's bytes those records hold (the probe knows a record's size there)
 * @param ringBytes    the ring buffer's size; 0 if unknown
 */
public record ProbeState(Map<String, LatencySnapshot> targets, LossCounters loss, long unreadEvents, long unreadBytes,
        long ringBytes) {
    public ProbeState {
        targets = Map.copyOf(Objects.requireNonNull(targets, "targets"));
        Objects.requireNonNull(loss, "loss");
    }

    /** One target, with the loss counters its snapshot carries. */
    public static ProbeState of(String target, LatencySnapshot sinceStart) {
        return new ProbeState(Map.of(target, sinceStart), sinceStart.loss(), -1, 0, 0);
    }
}
