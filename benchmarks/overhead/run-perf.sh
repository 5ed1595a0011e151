#!/usr/bin/env bash
# Where the loop's time goes, by perf sampling (cpu-clock: this guest has no hardware counters)
# of the getppid loop untraced, under the tp_btf floor, traced by the probe (Java pipeline) and by
# bpftrace. Prints the top kernel and user symbols of each, and ns/call of the profiled run (the
# sampling adds its own cost, so these runs are not the overhead figures).
#
# Usage: sudo benchmarks/overhead/run-perf.sh
# Settings (environment): CALLS=3000000 FREQ=20000 TOP=25 SKIP_BUILD=0
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CALLS=${CALLS:-3000000}
FREQ=${FREQ:-20000}
TOP=${TOP:-25}
SUBROUNDS=1
PAUSE_MS=0
JAVA_OPTS=

require_root
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
trap cleanup EXIT
build
OUT=$HERE/target/results/perf-$(date +%Y%m%d-%H%M%S)
W=$OUT/work
mkdir -p "$W"
HAVE_BPFTRACE=0
if command -v bpftrace >/dev/null; then HAVE_BPFTRACE=1; mount_tracefs; fi

# Profiles the stopped loop $1 from SIGCONT to its exit; $2 names the profile.
profile_loop() {
	local loop=$1 name=$2 perf
	background perf record -q -e cpu-clock -F "$FREQ" -p "$loop" -o "$W/$name.data"
	perf=$BG_PID
	sleep 0.3
	kill -CONT "$loop"
	wait "$loop"
	stop "$perf" INT
	{
		echo "== $name: $(cat "$W/loop.out") (cpu, wall ns/call while sampled)"
		perf report -i "$W/$name.data" --stdio --sort sym 2>/dev/null | grep -E '^ +[0-9]' | head -n "$TOP"
		echo
	} | tee -a "$OUT/summary.txt"
}

# Starts the loop stopped; runs "$@" (a tracer, given the loop's PID) until it prints $READY.
traced_profile() {
	local name=$1 ready=$2 loop tracer
	shift 2
	start_stopped_loop "$W/loop.out" $(loop_args)
	loop=$BG_PID
	if [ $# -gt 0 ]; then
		rm -f "$W/tracer.log"
		background "$@" "$loop" >"$W/tracer.log" 2>&1
		tracer=$BG_PID
		await_line "$W/tracer.log" "$ready" 60 "$tracer"
		sleep 0.5
	fi
	profile_loop "$loop" "$name"
	[ $# -eq 0 ] || stop "$tracer" "${STOP_SIGNAL:-TERM}"
}

# bpf_hold takes no PID: the floor's programs run for every process.
floor_btf_for_pid() { exec taskset -c "$TRACER_CPU" "$BIN/bpf_hold" -P floor_btf "$BIN/floor.bpf.o"; }

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
await_no_tracers 300 || echo "someone else's tracing programs are loaded; profiling anyway" >&2
traced_profile untraced ""
traced_profile floor_btf ready floor_btf_for_pid
traced_profile probe Tracing java_trace
if [ "$HAVE_BPFTRACE" = 1 ]; then
	STOP_SIGNAL=INT traced_profile bpftrace Tracing taskset -c "$TRACER_CPU" bpftrace "$HERE/bpf/syscall_latency.bt"
fi
echo "raw data: $OUT"
