#!/usr/bin/env bash
# Where a traced syscall's time goes, as the kernel itself times BPF programs
# (kernel.bpf_stats_enabled=1: run_time_ns and run_cnt per program). Alternating rounds of:
#   helper_costs.bpf.o   one program per piece of the hot path, on the loop's sys_enter
#   the floor            the empty raw_tp and tp_btf programs
#   the probe            mlp_enter / mlp_exit tracing the loop through the Java pipeline, and
#                        as a bystander (tracing a sleeping process while the loop runs)
# Every figure includes the kernel's own timing of the run (two clock reads), the same for all:
# compare differences, e.g. a helper's program minus hc_filter, mlp_exit minus floor_btf_exit.
# bpf_stats slows every program run down, so the loop's ns/call here are not the overhead figures.
#
# Given NAMEs of variants built by run-experiments.sh (target/experiments/NAME), also measures
# their mlp_enter / mlp_exit, traced and as a bystander, next to the checkout's ("baseline").
#
# Usage: sudo benchmarks/overhead/run-breakdown.sh [NAME...]
# Settings (environment): ROUNDS=3 CALLS=1000000 SKIP_BUILD=0
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
CALLS=${CALLS:-1000000}
SUBROUNDS=1
OTHER_RATE=100000
JAVA_OPTS=

for v in "$@"; do
	[ -f "$HERE/target/experiments/$v/libmcp-latency-probe.so" ] || { echo "no variant $v: build it with run-experiments.sh $v" >&2; exit 1; }
done
require_root
STATS_BEFORE=$(sysctl -n kernel.bpf_stats_enabled)
restore_stats() { sysctl -qw kernel.bpf_stats_enabled="$STATS_BEFORE"; cleanup; }
trap restore_stats EXIT
build
OUT=$HERE/target/results/breakdown-$(date +%Y%m%d-%H%M%S)
W=$OUT/work
mkdir -p "$W"
sysctl -qw kernel.bpf_stats_enabled=1

# "prog NAME run_cnt N run_time_ns T" lines (bpf_hold's) to "NAME ns_per_run" lines.
per_run() { awk '$1 == "prog" && $4 > 0 { printf "%s %.1f\n", $2, $6 / $4 }'; }

hold_on_loop() {
	local loop hold
	start_stopped_loop "$W/loop.out" $(loop_args)
	loop=$BG_PID
	rm -f "$W/hold.out"
	background taskset -c "$TRACER_CPU" "$BIN/bpf_hold" "$@" -s "target_tgid=$loop" "$BIN/helper_costs.bpf.o" >"$W/hold.out" 2>"$W/hold.err"
	hold=$BG_PID
	await_line "$W/hold.out" ready 30 "$hold"
	kill -CONT "$loop"
	wait "$loop"
	stop "$hold"
	per_run <"$W/hold.err"
}

floor_on_loop() {
	measure_floor "$1" >/dev/null
	per_run <"$W/hold.err"
}

# The probe tracing the loop ($1 = traced), or a sleeping process while the loop runs (bystander).
probe_on_loop() {
	local loop tracer target sleeper=
	start_stopped_loop "$W/loop.out" $(loop_args)
	loop=$BG_PID
	target=$loop
	if [ "$1" = bystander ]; then
		background sleep 3600
		sleeper=$BG_PID
		target=$sleeper
	fi
	rm -f "$W/probe.log"
	background java_trace "$target" >"$W/probe.log" 2>&1
	tracer=$BG_PID
	await_line "$W/probe.log" Tracing 60 "$tracer"
	kill -CONT "$loop"
	wait "$loop"
	# Ours are the newest mlp_ programs (no one else's tracer was loaded when this began).
	for name in mlp_enter mlp_exit; do
		bpftool prog show name "$name" | awk -v n="${VARIANT:+$VARIANT:}$name${sleeper:+_bystander}" '/run_time_ns/ {
			for (i = 1; i < NF; i++) { if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) }
			id = $1 + 0; if (id > best) { best = id; line = sprintf("%s %.1f", n, t / c) } } END { if (line) print line }'
	done
	stop "$tracer"
	[ -z "$sleeper" ] || stop "$sleeper"
}

# The offset of per-CPU variable $1 in .data..percpu, from the kernel's BTF.
percpu_offset() {
	bpftool btf dump file /sys/kernel/btf/vmlinux | awk -v v="(VAR '$1')" '
		/DATASEC .\.data\.\.percpu./ { f = 1; next } f && /^\[/ { exit }
		f && index($0, v) { sub("offset=", "", $2); print $2; exit }'
}

# Are the sys_enter/sys_exit programs run with preemption disabled? (per-CPU staging needs it)
preempt_check() {
	local loop hold
	start_stopped_loop "$W/loop.out" $(loop_args)
	loop=$BG_PID
	rm -f "$W/hold.out"
	background taskset -c "$TRACER_CPU" "$BIN/bpf_hold" -s "target_tgid=$loop" -s "preempt_count_off=$(percpu_offset __preempt_count)" \
		-s "runqueues_off=$(percpu_offset runqueues)" "$BIN/preempt_check.bpf.o" >"$W/hold.out" 2>"$W/hold.err"
	hold=$BG_PID
	await_line "$W/hold.out" ready 30 "$hold"
	kill -CONT "$loop"
	wait "$loop"
	stop "$hold"
	awk '$1 == "global" && $2 ~ /preempt/ { printf "%s %s  ", $2, $3 } END { print "" }' "$W/hold.err"
}

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
echo "runs of the loop's sys_enter/sys_exit programs by preemption state: $(preempt_check)" | tee -a "$OUT/summary.txt"
printf 'round\tprogram\tns_per_run\n' >"$OUT/runs.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
	await_no_tracers 300 || echo "someone else's tracing programs are loaded; measuring anyway" >&2
	{
		hold_on_loop
		floor_on_loop btf
		floor_on_loop raw
		probe_on_loop traced
		probe_on_loop bystander
		for VARIANT in "$@"; do
			JAVA_OPTS="-Djna.library.path=$HERE/target/experiments/$VARIANT"
			probe_on_loop traced
			probe_on_loop bystander
		done
		VARIANT= JAVA_OPTS=
	} >"$W/round.txt" # not a pipeline: its processes must stay the script's, for cleanup
	awk -v r="$r" '{ printf "%d\t%s\t%s\n", r, $1, $2 }' "$W/round.txt" >>"$OUT/runs.tsv"
	echo "round $r done" >&2
done

med() { awk -v p="$1" -F'\t' '$2 == p { print $3 }' "$OUT/runs.tsv" | median; }
{
	echo
	echo "ns per program run (median of $ROUNDS rounds), and net of its reference:"
	f=$(med hc_filter)
	for p in hc_filter hc_task_tgid hc_cpu_id hc_ktime hc_ktime_boot hc_storage_get hc_hash_lookup \
		hc_percpu_inc hc_log2_hist hc_query hc_reserve_submit hc_output hc_output8; do
		awk -v p="$p" -v x="$(med "$p")" -v f="$f" 'BEGIN { printf "  %-22s %7.1f   %+7.1f vs hc_filter\n", p, x, x - f }'
	done
	for side in enter exit; do
		fb=$(med "floor_btf_$side")
		for p in "floor_raw_$side" "floor_btf_$side" "mlp_$side" "mlp_${side}_bystander"; do
			awk -v p="$p" -v x="$(med "$p")" -v f="$fb" 'BEGIN { printf "  %-22s %7.1f   %+7.1f vs floor_btf\n", p, x, x - f }'
		done
	done
	for v in "$@"; do
		for p in mlp_enter mlp_exit mlp_enter_bystander mlp_exit_bystander; do
			awk -v p="$v:$p" -v x="$(med "$v:$p")" -v f="$(med "$p")" 'BEGIN { printf "  %-34s %7.1f   %+7.1f vs baseline\n", p, x, x - f }'
		done
	done
	echo "  (hc_output8 writes 8 records in one sample: its per-record share is a lot smaller)"
} | tee -a "$OUT/summary.txt"
echo
echo "raw data: $OUT"
