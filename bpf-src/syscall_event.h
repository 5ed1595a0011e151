/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record layout shared by the BPF program and the shim: written once, here.
 * The Java decoder's offsets are checked against this header by a test
 * (the shim exports offsetof() of every field through mlp_record_layout()).
 */
#ifndef MLP_SYSCALL_EVENT_H
#define MLP_SYSCALL_EVENT_H

/* One completed syscall. Fixed size, little-endian, 8-byte aligned. */
struct syscall_event {
	__u64 end_ns;     /* bpf_ktime_get_ns() at sys_exit (CLOCK_MONOTONIC) */
	__u64 latency_ns; /* sys_exit time minus sys_enter time of the same thread */
	__s64 ret;        /* the syscall's return value; negative is -errno */
	__u32 tgid;       /* process id */
	__u32 tid;        /* thread id */
	__u32 nr;         /* syscall number of the running architecture */
	__u32 reserved;   /* zero; keeps the record a multiple of 8 bytes */
};

/* Per-CPU counters: how "nothing is lost silently" is kept. */
enum mlp_counter {
	MLP_EMITTED = 0,       /* records made (staged or submitted): the shim sums it from the staging map */
	MLP_DROPPED,           /* completed syscalls lost because the ring buffer was full */
	MLP_ORPHAN_EXITS,      /* sys_exit of a traced thread with no sys_enter seen */
	MLP_STATE_FAILURES,    /* thread state could not be stored: the syscall was not timed */
	MLP_COUNTER_COUNT,
};

struct mlp_counters {
	__u64 value[MLP_COUNTER_COUNT];
};

/*
 * Records are staged per CPU and written to the ring MLP_STAGE_RECORDS at a time, in one sample:
 * one ring operation per that many syscalls. The consumer flushes what a CPU has staged before
 * each drain (the mlp_flush program, run on that CPU), so nothing waits for the CPU to get busy.
 */
#define MLP_STAGE_RECORDS 16

/* Per-CPU staging: written only on its CPU, by the hooks and by the flush program. */
struct mlp_stage {
	__u32 busy;    /* a hook or the flush is using this slot: whoever finds it set writes to the ring directly */
	__u32 count;   /* records staged, not yet in the ring */
	__u64 made;    /* records made on this CPU by the slot's owner (staged, submitted or dropped) */
	__u64 made_direct; /* records made by a hook that found the slot busy (atomic: they may nest) */
	struct syscall_event records[MLP_STAGE_RECORDS];
};

#define MLP_COMM_LEN 16
#define MLP_SYSCALL_MASK_WORDS 8 /* 512 syscall numbers */
#define MLP_TGID_WORDS 65536     /* one bit per tgid up to PID_MAX_LIMIT (4194304) */

#endif
