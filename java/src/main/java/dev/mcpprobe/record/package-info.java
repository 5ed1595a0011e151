/**
 * Stage 2, after {@code decode}: turns completed syscalls into counts. {@link
 * dev.mcpprobe.record.LatencyRecorder} takes the decoder's batches on the consumer thread
 * (single writer, nothing allocated or locked per call), splits time into report windows by each
 * call's end time, and hands out immutable {@code snapshot}s of closed windows and of the whole run.
 */
package dev.mcpprobe.record;
