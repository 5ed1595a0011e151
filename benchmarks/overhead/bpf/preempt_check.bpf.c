// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Do BPF programs on sys_enter / sys_exit run with preemption disabled on this kernel? Per-CPU
 * staging of records is only safe if no other task can run the same program on the same CPU
 * in the middle of one run. Counts runs by the preemption depth seen in __preempt_count.
 * run-breakdown.sh runs it (bpf_hold prints the counters).
 *
 * Without CONFIG_KALLSYMS_ALL a per-CPU variable cannot be a __ksym, so __preempt_count is found
 * from this CPU's runqueue (the current task's cfs_rq->rq): both are per-CPU variables, and
 * their offsets in .data..percpu come from the kernel's BTF (set before load by the script).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PREEMPT_MASK 0xff /* the preempt_disable() depth; higher bits: softirq, hardirq, NMI */

const volatile __u32 target_tgid = 0;
const volatile __u64 preempt_count_off = 0; /* offsets in .data..percpu */
const volatile __u64 runqueues_off = 0;

__u64 enter_preemptible = 0, enter_preempt_off = 0, exit_preemptible = 0, exit_preempt_off = 0;
__u32 last_raw_count = 0; /* x86 keeps PREEMPT_NEED_RESCHED inverted in bit 31: 0x8000000N is depth N */

static __always_inline int preempt_depth(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	char *rq = (char *)task->se.cfs_rq->rq;
	int count = 0;

	bpf_probe_read_kernel(&count, sizeof(count), rq - runqueues_off + preempt_count_off);
	last_raw_count = count;
	return count & PREEMPT_MASK;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(pc_enter)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	if (preempt_depth())
		__sync_fetch_and_add(&enter_preempt_off, 1);
	else
		__sync_fetch_and_add(&enter_preemptible, 1);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(pc_exit)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	if (preempt_depth())
		__sync_fetch_and_add(&exit_preempt_off, 1);
	else
		__sync_fetch_and_add(&exit_preemptible, 1);
	return 0;
}
