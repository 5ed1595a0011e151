/**
 * Stage 2, after {@code decode}: turns completed syscalls into counts. {@link
 * dev.mcplatencyprobe.record.LatencyRecorder} takes the decoder's batches on the consumer thread
 * (single writer, nothing allocated or locked per call), splits time into report windows by each
 * call's end time, and hands out immutable {@code snapshot}s of closed windows and of the whole run.
 * {@link dev.mcplatencyprobe.record.RecordingListener} is the pipeline's one end on a probe: it feeds the
 * recorder, cuts the windows on the clock with the probe's loss counters, hands the processes to
 * {@link dev.mcplatencyprobe.record.ProcessNames}, and cuts the final accounting.
 */
package dev.mcplatencyprobe.record;
