package dev.mcplatencyprobe.mcp;

import dev.mcplatencyprobe.decode.EventBatch;

/** Receives the payload records of each poll on the probe's consumer thread (--mcp). */
@FunctionalInterface
public interface PayloadListener {
    /** Called before the syscall records of the same poll; the batch is reused after this returns. */
    void onPayload(PayloadBatch batch);

    /**
     * Then the syscall records of the same poll (drained before the payload ring), at the end of
     * every poll, also an empty one. The batch is reused after this returns.
     */
    default void onSyscalls(EventBatch batch) {}
}
