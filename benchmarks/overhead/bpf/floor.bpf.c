// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of any syscall tracer: programs that do nothing, on the hooks a tracer needs.
 * What a syscall pays under them is the price of having a BPF program on sys_enter and
 * sys_exit at all. Two flavours of the same raw tracepoints: raw_tp (untyped args, what the
 * issue names) and tp_btf (BTF-typed, what mlp_enter/mlp_exit use). bpf_hold picks one by prefix.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("raw_tp/sys_enter")
int floor_raw_enter(struct bpf_raw_tracepoint_args *ctx) { return 0; }

SEC("raw_tp/sys_exit")
int floor_raw_exit(struct bpf_raw_tracepoint_args *ctx) { return 0; }

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_btf_enter, struct pt_regs *regs, long id) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_btf_exit, struct pt_regs *regs, long ret) { return 0; }
