package dev.mcpprobe.mcp;

/** Receives the payload records of each poll on the probe's consumer thread (--mcp). */
@FunctionalInterface
public interface PayloadListener {
    /** Called before the syscall records of the same poll; the batch is reused after this returns. */
    void onPayload(PayloadBatch batch);
}
