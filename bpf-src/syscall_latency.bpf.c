// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Times every syscall of the watched processes and emits one fixed-size
 * record per completed syscall into a ring buffer.
 *
 * Hot path (a traced thread): sys_enter stores the start time in the thread's
 * task storage; sys_exit reserves a record, fills it and submits it without
 * waking the consumer unless enough data is pending. A thread's "is it
 * traced?" answer is cached in its task storage and recomputed only when
 * filter_gen changes, so bystanders pay one storage lookup per syscall.
 *
 * Where the kernel has no task storage (before 5.11) the raw_tp pair with a
 * hash keyed by tid is loaded instead; the shim picks one pair at load time.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscall_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set before load. */
const volatile __u32 exclude_tgid = 0; /* the consumer itself: never traced */

/* Changed at run time by the shim through the mmapped .bss/.data. */
__u32 filter_gen = 1;       /* bumped on every filter change; cached answers older than it are recomputed */
__u32 trace_all = 0;
__u32 follow_children = 0;
__u32 use_cgroups = 0;      /* target_cgroups is not empty */
__u32 use_comms = 0;        /* target_comms is not empty */
__u32 syscall_filter_on = 0;
__u64 syscall_mask[MLP_SYSCALL_MASK_WORDS] = {};
__u64 wakeup_bytes = 1 << 20; /* wake the consumer once this much is pending */

struct thread_state {
	__u64 start_ns; /* 0: not inside a timed syscall */
	__u32 nr;
	__u32 gen;      /* filter_gen at which 'traced' was computed */
	__u32 traced;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the shim before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_state);
} task_states SEC(".maps");

/* Fallback for kernels without task storage; shrunk to one entry otherwise. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct thread_state);
} tid_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);  /* tgid */
	__type(value, __u8); /* MLP_TARGET_USER or MLP_TARGET_FOLLOWED */
} target_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64); /* cgroup v2 id: the inode number of its directory */
	__type(value, __u8);
} target_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[MLP_COMM_LEN]);
	__type(value, __u8);
} target_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mlp_counters);
} counters SEC(".maps");

static __always_inline void count(enum mlp_counter which)
{
	__u32 zero = 0;
	struct mlp_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (c && which < MLP_COUNTER_COUNT)
		c->value[which]++;
}

/* Does the current task match the filter? Only run when a cached answer is stale. */
static __always_inline __u32 current_matches(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid == exclude_tgid)
		return 0;
	if (trace_all)
		return 1;
	if (bpf_map_lookup_elem(&target_tgids, &tgid))
		return 1;
	if (use_cgroups) {
		__u64 cgid = bpf_get_current_cgroup_id();

		if (bpf_map_lookup_elem(&target_cgroups, &cgid))
			return 1;
	}
	if (use_comms) {
		char comm[MLP_COMM_LEN] = {};

		bpf_get_current_comm(comm, sizeof(comm));
		if (bpf_map_lookup_elem(&target_comms, comm))
			return 1;
	}
	return 0;
}

static __always_inline int syscall_wanted(long nr)
{
	if (!syscall_filter_on)
		return 1;
	if (nr < 0 || nr >= MLP_SYSCALL_MASK_WORDS * 64)
		return 0;
	return (syscall_mask[(nr >> 6) & (MLP_SYSCALL_MASK_WORDS - 1)] >> (nr & 63)) & 1;
}

static __always_inline void on_enter(struct thread_state *st, long nr)
{
	__u32 gen = filter_gen;

	if (st->gen != gen) {
		st->traced = current_matches();
		st->gen = gen;
	}
	if (!st->traced || !syscall_wanted(nr))
		return;
	st->nr = nr;
	st->start_ns = bpf_ktime_get_ns();
}

static __always_inline void on_exit(struct thread_state *st, long ret)
{
	__u64 start = st->start_ns, now;
	struct syscall_event *e;
	__u64 pid_tgid;

	if (!st->traced)
		return;
	if (!start) {
		count(MLP_ORPHAN_EXITS);
		return;
	}
	st->start_ns = 0;
	now = bpf_ktime_get_ns();

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(MLP_DROPPED);
		return;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	e->end_ns = now;
	e->latency_ns = now - start;
	e->ret = ret;
	e->tgid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->nr = st->nr;
	e->cpu = bpf_get_smp_processor_id();
	/* Batch wakeups: the consumer also drains on its own timer. */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count(MLP_EMITTED);
}

/* ---- the task-storage pair (kernel >= 5.11) ---- */

SEC("tp_btf/sys_enter")
int BPF_PROG(storage_sys_enter, struct pt_regs *regs, long id)
{
	struct thread_state *st;

	st = bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		count(MLP_STATE_FAILURES);
		return 0;
	}
	on_enter(st, id);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(storage_sys_exit, struct pt_regs *regs, long ret)
{
	struct thread_state *st;

	/* A thread first seen at its exit (a fresh fork child) has no state: nothing to time. */
	st = bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0, 0);
	if (st)
		on_exit(st, ret);
	return 0;
}

/* ---- the fallback pair: a hash keyed by tid, entries removed at thread exit ---- */

SEC("raw_tp/sys_enter")
int hash_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct thread_state *st = bpf_map_lookup_elem(&tid_states, &tid);

	if (!st) {
		struct thread_state fresh = {};

		/* Bystanders get no entry: the hash would fill with every thread on the host. */
		if (!current_matches())
			return 0;
		fresh.gen = filter_gen;
		fresh.traced = 1;
		bpf_map_update_elem(&tid_states, &tid, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&tid_states, &tid);
		if (!st) {
			count(MLP_STATE_FAILURES);
			return 0;
		}
	}
	on_enter(st, (long)ctx->args[1]);
	return 0;
}

SEC("raw_tp/sys_exit")
int hash_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct thread_state *st = bpf_map_lookup_elem(&tid_states, &tid);

	if (st)
		on_exit(st, (long)ctx->args[1]);
	return 0;
}

/* ---- process lifecycle: both modes ---- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	__u8 followed = MLP_TARGET_FOLLOWED;

	if (!follow_children || child_tgid == BPF_CORE_READ(parent, tgid))
		return 0; /* a new thread, not a new process */
	if (!current_matches())
		return 0;
	if (bpf_map_update_elem(&target_tgids, &child_tgid, &followed, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&target_tgids, &child_tgid))
		count(MLP_TARGETS_FULL);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exited, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);
	__u32 tgid;

	bpf_map_delete_elem(&tid_states, &tid);
	/* The last thread of the group: the tgid may be reused by an unrelated process. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	bpf_map_delete_elem(&target_tgids, &tgid);
	return 0;
}

/* exec changes the comm, cgroup migration the cgroup: cached answers may be wrong now. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(invalidate_on_exec)
{
	if (use_comms)
		__sync_fetch_and_add(&filter_gen, 1);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(invalidate_on_cgroup_move)
{
	if (use_cgroups)
		__sync_fetch_and_add(&filter_gen, 1);
	return 0;
}
