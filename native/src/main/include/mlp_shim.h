/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shim's C ABI, called from Java through JNA (direct mapping).
 *
 * Lifecycle: mlp_open (open + configure + load; maps exist, nothing attached)
 * -> mlp_add_* targets -> mlp_attach -> mlp_poll ... -> mlp_close.
 *
 * Handles are small integers into a table, never pointers: a stale or closed
 * handle is rejected with -EBADF instead of touching freed memory.
 * Every function returns >= 0 on success or -errno; mlp_last_error() then
 * says what happened and what to do, for the calling thread.
 */
#ifndef MLP_SHIM_H
#define MLP_SHIM_H

#include <stdint.h>

#define MLP_ABI_VERSION 3

/* mlp_open flags: fixed for the probe's life (the BPF program reads them as load-time constants) */
#define MLP_OPEN_FOLLOW_CHILDREN 0x1 /* trace the children a traced process forks */
#define MLP_OPEN_TRACE_ALL       0x2 /* every process but exclude_tgid */
#define MLP_OPEN_FORCE_HASH      0x4 /* use the tid-hash fallback even where task storage exists */
#define MLP_OPEN_MCP             0x8 /* also copy JSON-RPC payloads (--mcp): see bpf-src/mcp_payload.bpf.h */

/* mlp_kernel_mode results */
#define MLP_MODE_TASK_STORAGE 1
#define MLP_MODE_TID_HASH     2

int mlp_abi_version(void);
int mlp_record_size(void);
/* Fills offsets[] with offsetof() of end_ns, latency_ns, ret, tgid, tid, nr; returns the field count. */
int mlp_record_layout(int32_t *offsets, int32_t capacity);
int mlp_counter_count(void);

/* ring_bytes: a power of two >= the page size. exclude_tgid: a process never traced (0: none). */
int mlp_open(uint32_t ring_bytes, uint32_t flags, uint32_t exclude_tgid);
int mlp_attach(int handle);
int mlp_kernel_mode(int handle);
/* Number of BPF programs the probe loads (for "Attaching N probes..."). */
int mlp_program_count(int handle);

int mlp_add_tgid(int handle, uint32_t tgid);
int mlp_remove_tgid(int handle, uint32_t tgid);
int mlp_add_cgroup(int handle, uint64_t cgroup_id);
int mlp_remove_cgroup(int handle, uint64_t cgroup_id);
int mlp_add_comm(int handle, const char *comm);
int mlp_remove_comm(int handle, const char *comm);
/* mask: words of 64 syscall numbers each (bit n of word w is syscall 64*w+n); NULL or 0 words: all syscalls. */
int mlp_set_syscall_filter(int handle, const uint64_t *mask, int32_t words);

/*
 * Copies up to capacity records (mlp_record_size() bytes each) into buffer and
 * returns how many; buffer_bytes is its size, checked against capacity.
 * Drains what is pending first; waits up to timeout_ms when nothing is, and
 * at most a few ms when less than a batch is. A batch that does not fill holds
 * every record made before the call, those the CPUs had staged (see
 * MLP_STAGE_RECORDS) included. Returns 0 when woken by mlp_close.
 */
int mlp_poll(int handle, void *buffer, int64_t buffer_bytes, int32_t capacity, int32_t timeout_ms);

/*
 * Sums the per-CPU counters into out[0..capacity); returns how many were written. With room for
 * mlp_counter_count() + 1, the last is the number of records still in the ring (unread).
 */
int mlp_read_counters(int handle, uint64_t *out, int32_t capacity);

/* ---- --mcp (probes opened with MLP_OPEN_MCP) ---- */

/* Largest payload record (bpf-src/mcp_payload.h), and the counters' count. */
int mlp_mcp_record_max(void);
int mlp_mcp_counter_count(void);
/*
 * Fills offsets[] with sizeof the header, offsetof() of ts_ns, len, tgid, tid, fd, nr,
 * head_len, tail_len, dir, fd_kind, flags, then
 * MCP_HEAD_BYTES and MCP_TAIL_BYTES; returns the count.
 */
int mlp_mcp_record_layout(int32_t *offsets, int32_t capacity);
/*
 * Copies the payload records pending now into buffer, never waiting; returns how many. Each takes
 * a 4-byte size, 4 bytes of padding, the record, and padding to 8 bytes. capacity_bytes must hold
 * at least one record of the largest size.
 */
int mlp_poll_mcp(int handle, void *buffer, int32_t capacity_bytes);
int mlp_read_mcp_counters(int handle, uint64_t *out, int32_t capacity);

/* Detaches and frees everything. Safe to call twice and concurrently with mlp_poll. */
int mlp_close(int handle);

/* The calling thread's last error message ("" if none). */
const char *mlp_last_error(void);
/* 1: libbpf's own messages go to stderr; 0 (default): they are kept for mlp_last_error. */
void mlp_set_verbose(int on);

#endif
