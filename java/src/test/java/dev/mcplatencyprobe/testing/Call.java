package dev.mcplatencyprobe.testing;

import dev.mcplatencyprobe.record.LatencyRecorder;

/** One completed syscall, for tests. */
public record Call(long endNs, long latencyNs, long ret, int tgid, int nr) {
    public void recordInto(LatencyRecorder recorder) {
        recorder.record(endNs, latencyNs, ret, tgid, nr);
    }
}
