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
	__u32 cpu;        /* CPU that ran sys_exit */
};

/* Per-CPU counters: how "nothing is lost silently" is kept. */
enum mlp_counter {
	MLP_EMITTED = 0,       /* records submitted: the shim derives it from the ring's producer position */
	MLP_DROPPED,           /* completed syscalls lost because the ring buffer was full */
	MLP_ORPHAN_EXITS,      /* sys_exit of a traced thread with no sys_enter seen */
	MLP_STATE_FAILURES,    /* thread state could not be stored: the syscall was not timed */
	MLP_COUNTER_COUNT,
};

struct mlp_counters {
	__u64 value[MLP_COUNTER_COUNT];
};

#define MLP_COMM_LEN 16
#define MLP_SYSCALL_MASK_WORDS 8 /* 512 syscall numbers */
#define MLP_TGID_WORDS 65536     /* one bit per tgid up to PID_MAX_LIMIT (4194304) */

#endif
