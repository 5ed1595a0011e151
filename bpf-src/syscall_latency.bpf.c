// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Times every syscall of the watched processes and emits one fixed-size
 * record per completed syscall into a ring buffer.
 *
 * Who is watched is one bit per tgid in traced_tgids (.bss, mmapped by user
 * space), so a syscall of any other process costs one load on entry and one
 * on exit. The bits are kept by user space (PIDs, and the current members of
 * target cgroups and command names) and by the lifecycle hooks below (forks,
 * execs, cgroup moves and exits), so the hot path never evaluates a filter.
 *
 * A traced thread's entry time lives in its task storage; where the kernel
 * has no task storage the raw_tp pair with a hash keyed by tid is loaded
 * instead. Records are staged per CPU and written to the ring MLP_STAGE_RECORDS
 * at a time (see mlp_stage in syscall_event.h), without waking the consumer
 * unless a quarter of the ring is pending: it flushes and drains on its own timer.
 *
 * PIDs, in the filter and in the records, are those of the probe's own PID
 * namespace: in a container they are the PIDs its user sees, and a process
 * not visible there is never traced. In the initial namespace the check is
 * pruned at load time, so the host pays nothing for it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscall_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define MAX_CGROUP_DEPTH 8 /* ancestors checked when matching a cgroup target */
#define MAX_PID_NS_LEVEL 32 /* the kernel's limit on PID namespace nesting */

/* Set before load: the verifier prunes what a run does not use, and the hot path reads no map for them. */
const volatile __u32 exclude_tgid = 0; /* the consumer itself: never traced */
const volatile __u32 trace_all = 0;       /* every process (but exclude_tgid) */
const volatile __u32 follow_children = 0; /* a traced process's children are traced from their fork */
const volatile __u64 wakeup_bytes = 1 << 20; /* wake the consumer once this much is pending */
/* The probe's PID namespace (dev and inode of /proc/self/ns/pid); 0: the initial one. */
const volatile __u64 pidns_dev = 0;
const volatile __u64 pidns_ino = 0;

/* Changed at run time by the shim through the mmapped .bss/.data. */
__u64 traced_tgids[MLP_TGID_WORDS] = {};
__u32 use_cgroups = 0;      /* target_cgroups is not empty */
__u32 use_comms = 0;        /* target_comms is not empty */
__u32 syscall_filter_on = 0;
__u32 untrace_gen = 0;      /* bumped by user space each time it stops tracing a process */
__u64 syscall_mask[MLP_SYSCALL_MASK_WORDS] = {};

struct thread_state {
	__u64 start_ns; /* 0: not inside a timed syscall */
	__u32 nr;
	__u32 untrace_gen; /* at entry: tells a syscall that outlived its process's removal (see stale()) */
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mlp_stage);
} stages SEC(".maps");

/* tgid -> untrace_gen when user space stopped tracing it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} removed_tgids SEC(".maps");

static __always_inline void count_n(enum mlp_counter which, __u64 n)
{
	__u32 zero = 0;
	struct mlp_counters *c = bpf_map_lookup_elem(&counters, &zero);

	/* Atomic: a flush (an IPI) may interrupt a hook that counts on the same CPU. */
	if (c && which < MLP_COUNTER_COUNT)
		__sync_fetch_and_add(&c->value[which], n);
}

static __always_inline void count(enum mlp_counter which)
{
	count_n(which, 1);
}

/* Keeps the compiler from moving the staging slot's loads and stores across the busy flag. */
#define compiler_barrier() asm volatile("" ::: "memory")

/*
 * The number of a struct pid in the probe's namespace, 0 if it has none there: the
 * namespace's level is not known up front, so the levels are searched for its inode.
 */
static __always_inline __u32 pid_nr_in_probe_ns(struct pid *pid)
{
	unsigned int level = BPF_CORE_READ(pid, level);

	/* Level 0 is the initial namespace, which is never the probe's here. */
	for (unsigned int i = 1; i < MAX_PID_NS_LEVEL && i <= level; i++) {
		struct pid_namespace *ns = NULL;
		int nr = 0;

		bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns);
		if (ns && BPF_CORE_READ(ns, ns.inum) == pidns_ino) {
			bpf_core_read(&nr, sizeof(nr), &pid->numbers[i].nr);
			return nr;
		}
	}
	return 0;
}

/* A task's process id as the probe sees it (0: not visible there); for tasks other than current. */
static __always_inline __u32 probe_tgid(struct task_struct *task)
{
	if (!pidns_ino)
		return BPF_CORE_READ(task, tgid);
	return pid_nr_in_probe_ns(BPF_CORE_READ(task, group_leader, thread_pid));
}

/*
 * The current thread's tgid << 32 | tid as the probe sees them, from its ids in the initial
 * namespace; 0 when it is not visible in the probe's namespace.
 */
static __always_inline __u64 probe_ids(__u64 host_pid_tgid)
{
	struct bpf_pidns_info ns;
	struct task_struct *task;
	__u32 tgid, tid;

	if (!pidns_ino)
		return host_pid_tgid;
	if (!bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)))
		return (__u64)ns.tgid << 32 | ns.pid;
	/* The helper knows only the thread's own namespace: one nested below the probe's is read here. */
	task = (struct task_struct *)bpf_get_current_task();
	tgid = pid_nr_in_probe_ns(BPF_CORE_READ(task, group_leader, thread_pid));
	if (!tgid)
		return 0;
	tid = pid_nr_in_probe_ns(BPF_CORE_READ(task, thread_pid));
	return (__u64)tgid << 32 | tid;
}

static __always_inline int is_traced(__u32 tgid)
{
	if (trace_all) {
		if (pidns_ino && !tgid)
			return 0; /* a process outside the probe's namespace */
		return tgid != exclude_tgid;
	}
	return (traced_tgids[(tgid >> 6) & (MLP_TGID_WORDS - 1)] >> (tgid & 63)) & 1;
}

static __always_inline void set_traced(__u32 tgid)
{
	if (tgid && tgid != exclude_tgid && tgid < MLP_TGID_WORDS * 64)
		__sync_fetch_and_or(&traced_tgids[(tgid >> 6) & (MLP_TGID_WORDS - 1)], 1ULL << (tgid & 63));
}

static __always_inline void clear_traced(__u32 tgid)
{
	if (tgid && tgid < MLP_TGID_WORDS * 64)
		__sync_fetch_and_and(&traced_tgids[(tgid >> 6) & (MLP_TGID_WORDS - 1)], ~(1ULL << (tgid & 63)));
}

/* Is the cgroup, or one of its ancestors, a target? */
static __always_inline int cgroup_matches(struct cgroup *cgrp)
{
	for (int depth = 0; depth < MAX_CGROUP_DEPTH && cgrp; depth++) {
		__u64 id = BPF_CORE_READ(cgrp, kn, id);

		if (bpf_map_lookup_elem(&target_cgroups, &id))
			return 1;
		/* cgroup.self is the first member: its parent css is the parent cgroup. */
		cgrp = (struct cgroup *)BPF_CORE_READ(cgrp, self.parent);
	}
	return 0;
}

static __always_inline int comm_matches(struct task_struct *task)
{
	char comm[MLP_COMM_LEN] = {};

	BPF_CORE_READ_STR_INTO(&comm, task, comm);
	return bpf_map_lookup_elem(&target_comms, comm) != NULL;
}

static __always_inline int syscall_wanted(long nr)
{
	if (!syscall_filter_on)
		return 1;
	if (nr < 0 || nr >= MLP_SYSCALL_MASK_WORDS * 64)
		return 0;
	return (syscall_mask[(nr >> 6) & (MLP_SYSCALL_MASK_WORDS - 1)] >> (nr & 63)) & 1;
}

/* The syscall number at sys_exit, which the tracepoint does not pass. */
static __always_inline long exit_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
	return -1;
#endif
}

/*
 * Was this process's tracing stopped, and started again, while the syscall ran? Its entry
 * then belongs to the earlier tracing: the time between is not one syscall. Only looked up
 * after user space removed some process, and only for a thread that entered before that.
 */
static __always_inline int stale(struct thread_state *st, __u32 tgid)
{
	__u32 *removed;

	if (st->untrace_gen == untrace_gen)
		return 0;
	removed = bpf_map_lookup_elem(&removed_tgids, &tgid);
	return removed && (__s32)(*removed - st->untrace_gen) > 0;
}

static __always_inline __u64 wakeup_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Writes the slot's staged records to the ring as one sample; the slot must be held (busy). */
static __always_inline void flush_stage(struct mlp_stage *s)
{
	__u32 n = s->count;

	if (n == 0 || n > MLP_STAGE_RECORDS)
		return;
	/* Made already; a full ring loses them, counted. */
	if (bpf_ringbuf_output(&events, s->records, n * sizeof(struct syscall_event), wakeup_flag()))
		count_n(MLP_DROPPED, n);
	s->count = 0;
}

/* The record straight into the ring: for a hook that finds its CPU's slot in use. */
static __always_inline void emit_direct(struct mlp_stage *s, struct syscall_event *rec)
{
	__sync_fetch_and_add(&s->made_direct, 1);
	if (bpf_ringbuf_output(&events, rec, sizeof(*rec), wakeup_flag()))
		count(MLP_DROPPED);
}

static __always_inline void emit(struct thread_state *st, __u64 pid_tgid, long ret)
{
	__u64 start = st->start_ns, now;
	struct syscall_event *e;
	struct mlp_stage *s;
	__u32 zero = 0, i;

	if (!start) {
		count(MLP_ORPHAN_EXITS);
		return;
	}
	st->start_ns = 0;
	if (stale(st, pid_tgid >> 32))
		return; /* not a loss: the process was not wanted when the syscall ended */
	now = bpf_ktime_get_ns();

	s = bpf_map_lookup_elem(&stages, &zero);
	if (!s)
		return; /* cannot happen: key 0 of a one-entry array */
	if (s->busy) {
		struct syscall_event rec = {
			.end_ns = now, .latency_ns = now - start, .ret = ret,
			.tgid = pid_tgid >> 32, .tid = (__u32)pid_tgid, .nr = st->nr,
		};

		emit_direct(s, &rec);
		return;
	}
	s->busy = 1;
	compiler_barrier();
	i = s->count;
	if (i >= MLP_STAGE_RECORDS) { /* cannot happen: a full slot is flushed right away */
		flush_stage(s);
		i = 0;
	}
	e = &s->records[i];
	e->end_ns = now;
	e->latency_ns = now - start;
	e->ret = ret;
	e->tgid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->nr = st->nr;
	s->count = i + 1;
	s->made++;
	if (i + 1 == MLP_STAGE_RECORDS)
		flush_stage(s);
	compiler_barrier();
	s->busy = 0;
}

#include "mcp_payload.bpf.h" /* --mcp: mcp_sys_enter/exit, removed at load time without --mcp */

/* ---- the task-storage pair (kernel >= 5.11) ---- */

SEC("tp_btf/sys_enter")
int BPF_PROG(mlp_enter, struct pt_regs *regs, long id)
{
	struct thread_state *st;

	mcp_sys_enter(regs, id);
	if (!is_traced(probe_ids(bpf_get_current_pid_tgid()) >> 32) || !syscall_wanted(id))
		return 0;
	st = bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		count(MLP_STATE_FAILURES);
		return 0;
	}
	st->nr = id;
	st->untrace_gen = untrace_gen;
	st->start_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mlp_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = probe_ids(bpf_get_current_pid_tgid());
	struct thread_state *st;

	if (!is_traced(pid_tgid >> 32) || (syscall_filter_on && !syscall_wanted(exit_nr(regs))))
		return mcp_sys_exit(regs, ret);
	/* No state: the thread's first syscall exit is its return from fork, or tracing began mid-syscall. */
	st = bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0, 0);
	if (st)
		emit(st, pid_tgid, ret);
	return mcp_sys_exit(regs, ret);
}

/* ---- the fallback pair: a hash keyed by tid, entries removed at thread exit ---- */

SEC("raw_tp/sys_enter")
int mlp_hash_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 host_ids = bpf_get_current_pid_tgid();
	struct thread_state fresh = {};
	long id = (long)ctx->args[1];
	__u32 tid = (__u32)host_ids; /* the key: the exit hook removes it by the host's tid */

	if (!is_traced(probe_ids(host_ids) >> 32) || !syscall_wanted(id))
		return 0;
	fresh.nr = id;
	fresh.untrace_gen = untrace_gen;
	fresh.start_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&tid_states, &tid, &fresh, BPF_ANY))
		count(MLP_STATE_FAILURES);
	return 0;
}

SEC("raw_tp/sys_exit")
int mlp_hash_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 host_ids = bpf_get_current_pid_tgid();
	__u64 pid_tgid = probe_ids(host_ids);
	__u32 tid = (__u32)host_ids;
	struct thread_state *st;

	if (!is_traced(pid_tgid >> 32) ||
	    (syscall_filter_on && !syscall_wanted(exit_nr((struct pt_regs *)ctx->args[0]))))
		return 0;
	st = bpf_map_lookup_elem(&tid_states, &tid);
	if (st)
		emit(st, pid_tgid, (long)ctx->args[1]);
	return 0;
}

/*
 * Run by the consumer on each CPU (BPF_PROG_TEST_RUN with BPF_F_TEST_RUN_ON_CPU) before it drains:
 * the CPU's staged records go to the ring. It runs in an interrupt or with preemption off, so a
 * hook it finds busy is one it interrupted: that slot is left alone, it is flushed at the next drain.
 */
SEC("raw_tp")
int mlp_flush(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct mlp_stage *s = bpf_map_lookup_elem(&stages, &zero);

	if (!s || s->busy)
		return 0;
	s->busy = 1;
	compiler_barrier();
	flush_stage(s);
	compiler_barrier();
	s->busy = 0;
	return 0;
}

/* ---- process lifecycle: keeps traced_tgids right (both modes) ---- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(mlp_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 child_tgid, parent_tgid;

	if (BPF_CORE_READ(child, tgid) == BPF_CORE_READ(parent, tgid))
		return 0; /* a new thread, not a new process */
	child_tgid = probe_tgid(child);
	parent_tgid = probe_tgid(parent);
	if ((follow_children && is_traced(parent_tgid)) ||
	    (use_cgroups && cgroup_matches(BPF_CORE_READ(child, cgroups, dfl_cgrp))) || /* CLONE_INTO_CGROUP */
	    (use_comms && comm_matches(child)))
		set_traced(child_tgid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(mlp_exec, struct task_struct *task)
{
	if (use_comms && comm_matches(task))
		set_traced(probe_tgid(task));
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(mlp_cgroup_move, struct cgroup *dst, const char *path, struct task_struct *task)
{
	/* Moves within cgroup v1 hierarchies fire too; their ids are another sequence than v2's. */
	if (use_cgroups && BPF_CORE_READ(dst, root) == BPF_CORE_READ(task, cgroups, dfl_cgrp, root) &&
	    cgroup_matches(dst))
		set_traced(probe_tgid(task));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(mlp_proc_exit, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);

	bpf_map_delete_elem(&tid_states, &tid);
	/* The last thread of the group: the tgid may be reused by an unrelated process. */
	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		clear_traced(probe_tgid(task));
	return 0;
}
