// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What each piece of the probe's hot path costs, one piece per program: all of them hang on
 * sys_enter at once, each first checks the syscall is target_tgid's (hc_filter does only that),
 * then does one thing. With kernel.bpf_stats_enabled=1 the kernel times every run; a program's
 * ns per run minus hc_filter's is the price of its one thing. run-breakdown.sh runs it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "syscall_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 target_tgid = 0;

struct hc_state {
	__u64 start_ns;
	__u32 nr;
	__u32 gen;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct hc_state);
} storage SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct hc_state);
} by_tid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu SEC(".maps");

struct log2_hist {
	__u64 bucket[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, struct log2_hist);
} hists SEC(".maps");

/* One ring per ring-using program, so they do not share a lock or cache lines. */
#define RING(name) struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 64 << 20); } name SEC(".maps")
RING(ring_reserve);
RING(ring_output);
RING(ring_output8);

#define MINE() if ((bpf_get_current_pid_tgid() >> 32) != target_tgid) return 0

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_filter) { MINE(); return 0; }

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_task_tgid)
{
	/* The tgid through the task's BTF pointer instead of the pid_tgid helper. */
	if (bpf_get_current_task_btf()->tgid != target_tgid)
		return 0;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_ktime) { MINE(); return bpf_ktime_get_ns() == 1; }

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_ktime_boot) { MINE(); return bpf_ktime_get_boot_ns() == 1; }

/* bpf_ktime_get_coarse_ns (tick resolution, no clock read) is refused to tracing programs. */

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_storage_get)
{
	struct hc_state *s;

	MINE();
	s = bpf_task_storage_get(&storage, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s)
		s->nr++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_hash_lookup)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hc_state *s;

	MINE();
	s = bpf_map_lookup_elem(&by_tid, &tid);
	if (!s) {
		struct hc_state fresh = {};

		bpf_map_update_elem(&by_tid, &tid, &fresh, BPF_ANY);
		return 0;
	}
	s->nr++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_reserve_submit)
{
	struct syscall_event *e;

	MINE();
	e = bpf_ringbuf_reserve(&ring_reserve, sizeof(*e), 0);
	if (!e)
		return 0;
	e->end_ns = 1;
	e->latency_ns = 2;
	e->ret = 3;
	e->tgid = 4;
	e->tid = 5;
	e->nr = 6;
	e->reserved = 7;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_output)
{
	struct syscall_event e = { 1, 2, 3, 4, 5, 6, 7 };

	MINE();
	bpf_ringbuf_output(&ring_output, &e, sizeof(e), BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_output8)
{
	/* One sample of 8 records: divide by 8 for the per-record share. */
	struct syscall_event e[8] = {};

	MINE();
	e[0].nr = 1;
	bpf_ringbuf_output(&ring_output8, e, sizeof(e), BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_query) { MINE(); return bpf_ringbuf_query(&ring_reserve, BPF_RB_AVAIL_DATA) > 100; }

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_percpu_inc)
{
	__u32 zero = 0;
	__u64 *c;

	MINE();
	c = bpf_map_lookup_elem(&percpu, &zero);
	if (c)
		(*c)++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_log2_hist, struct pt_regs *regs, long id)
{
	/* In-kernel pre-aggregation: a log2 bucket of a latency-like value, per syscall, per CPU. */
	__u64 v = (__u64)id * 2654435761u + 12345;
	__u32 b = 0, nr = id;
	struct log2_hist *h;

	MINE();
	if (v >> 32) { v >>= 32; b += 32; }
	if (v >> 16) { v >>= 16; b += 16; }
	if (v >> 8) { v >>= 8; b += 8; }
	if (v >> 4) { v >>= 4; b += 4; }
	if (v >> 2) { v >>= 2; b += 2; }
	if (v >> 1) { b += 1; }
	h = bpf_map_lookup_elem(&hists, &nr);
	if (h)
		h->bucket[b & 63]++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hc_cpu_id) { MINE(); return bpf_get_smp_processor_id() > 4096; }
