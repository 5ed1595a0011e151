package dev.mcplatencyprobe.probe;

import dev.mcplatencyprobe.decode.EventBatch;

/** Receives the records of each poll on the probe's consumer thread. */
@FunctionalInterface
public interface BatchListener {
    /**
     * Called after every poll, also with an empty batch when the poll interval passed with nothing
     * pending, so a consumer can close time windows. The batch is reused after this returns.
     *
     * @param batch the records delivered by this poll
     * @param nowNs {@link System#nanoTime()} after the poll: the same clock as the records' endNs
     */
    void onBatch(EventBatch batch, long nowNs);
}
