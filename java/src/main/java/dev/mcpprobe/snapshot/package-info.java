/**
 * Stage 3: what a window saw, as immutable values. {@link dev.mcpprobe.snapshot.LatencySnapshot}
 * holds the window's {@link dev.mcpprobe.snapshot.LatencyDistribution} (bpftrace's log2 buckets,
 * HdrHistogram percentiles, exact count/sum/min/max), the per-syscall and per-process tables,
 * the loss counters and the {@link dev.mcpprobe.snapshot.Verdict}. Snapshots merge.
 */
package dev.mcpprobe.snapshot;
