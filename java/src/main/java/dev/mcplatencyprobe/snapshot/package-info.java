/**
 * Stage 3: what a window saw, as immutable values. {@link dev.mcplatencyprobe.snapshot.LatencySnapshot}
 * holds the window's {@link dev.mcplatencyprobe.snapshot.LatencyDistribution}s (bpftrace's log2 buckets,
 * HdrHistogram percentiles, exact count/sum/min/max) of every call and of the calls that are not
 * blocking waits, the per-syscall and per-process tables, the loss counters and the {@link
 * dev.mcplatencyprobe.snapshot.Verdict}, taken from the calls that are not blocking waits. Snapshots merge.
 */
package dev.mcplatencyprobe.snapshot;
