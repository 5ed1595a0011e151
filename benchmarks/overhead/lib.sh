# Shared by the run-*.sh scripts: root check, build, process bookkeeping, the measurements and
# medians. Sourced, not run.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$HERE/target/native
JAR=$HERE/target/overhead-bench.jar
LOOP_CPU=${LOOP_CPU:-0}     # the measured loop runs here, alone
TRACER_CPU=${TRACER_CPU:-1} # tracers, consumers and helpers run here
MOUNTED_TRACEFS=0

require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "$(basename "$0") loads BPF programs and needs root: run it with sudo" >&2
		exit 1
	fi
	if [ "$(nproc)" -lt 2 ]; then
		echo "$(basename "$0") needs 2 CPUs: the loop on CPU $LOOP_CPU, the tracer on CPU $TRACER_CPU" >&2
		exit 1
	fi
}

# Builds the C/BPF parts and, unless $1 is "native", the Java jar with the library from this
# checkout; nothing if SKIP_BUILD=1.
build() {
	[ "${SKIP_BUILD:-0}" = 1 ] && return
	echo "building (SKIP_BUILD=1 to skip) ..." >&2
	make -s -C "$HERE" >&2
	[ "${1:-}" = native ] && return
	(cd "$ROOT" && mvn -q -B -pl benchmarks/overhead -am package -DskipTests >&2)
}

# tracefs is needed by bpftrace's tracepoint: probes; mounted only if it is not already.
mount_tracefs() {
	if [ ! -e /sys/kernel/tracing/events ]; then
		mount -t tracefs tracefs /sys/kernel/tracing && MOUNTED_TRACEFS=1
	fi
}

# Runs "$@" in the background; its PID is $BG_PID.
background() {
	"$@" &
	BG_PID=$!
}

# Stops one process we started: SIGTERM (or $2), then waits for it.
stop() {
	local pid=$1 sig=${2:-TERM}
	kill -"$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Stops what is left of the processes this script started: only its own jobs not yet waited for,
# never a PID that may have been reused by someone else's process since.
cleanup() {
	local pid
	for pid in $(jobs -p); do
		kill -CONT "$pid" 2>/dev/null || true
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "$MOUNTED_TRACEFS" = 1 ]; then
		umount /sys/kernel/tracing 2>/dev/null || true
	fi
}

# Waits until file $1 has a line containing $2 (timeout $3 s, default 60); fails if $4 (a PID) dies first.
await_line() {
	local file=$1 pattern=$2 timeout=${3:-60} pid=${4:-} deadline
	deadline=$(($(date +%s) + timeout))
	until grep -q -- "$pattern" "$file" 2>/dev/null; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			echo "process $pid ended before printing '$pattern':" >&2
			cat "$file" >&2
			return 1
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "no '$pattern' in $file after ${timeout}s" >&2
			return 1
		fi
		sleep 0.01
	done
}

# Waits until process $1 is stopped (state T).
await_stopped() {
	local pid=$1
	until [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.005
	done
}

# Starts the loop stopped before exec, pinned to the loop CPU; $BG_PID is its (future) PID.
start_stopped_loop() {
	local out=$1
	shift
	background sh -c 'kill -STOP $$; exec taskset -c "$0" "$@"' "$LOOP_CPU" "$BIN/syscall_loop" "$@" >"$out"
	await_stopped "$BG_PID"
}

# ---- the measurements: each prints the loop's "CPU_NS WALL_NS" per call, one line per sub-round ----
# They use CALLS, SUBROUNDS, W (scratch dir), OUT (results dir), OTHER_RATE and JAVA_OPTS.
# A measurement is CALLS calls in SUBROUNDS sub-rounds, PAUSE_MS apart; its figure is the fastest
# sub-round (fastest_subround): on a shared machine, interference only ever adds time, and on
# this VM it comes in spells of a fraction of a second to seconds, which the pauses spread over.
SUBROUNDS=${SUBROUNDS:-10}
PAUSE_MS=${PAUSE_MS:-100}
# Between a tracer saying it is attached and the measured loop: its start-up (a JVM's JIT, the
# kernel's deferred work after loading programs) is not what is measured. The same for all.
SETTLE_S=${SETTLE_S:-0.5}

# exec: run in the background, the PID we hold is the JVM itself.
# TRACE_OPTS: options of the trace command before the PID (--mcp).
java_trace() { exec taskset -c "$TRACER_CPU" java $JAVA_OPTS -jar "$JAR" trace ${TRACE_OPTS:-} "$@"; }

# LOOP_MODE=pipe: the loop writes and reads JSON-RPC over a pipe instead of calling getppid.
loop_args() { echo "${LOOP_MODE:+-m $LOOP_MODE} -n $((CALLS / SUBROUNDS)) -k $SUBROUNDS -p $PAUSE_MS"; }

loop_untraced() { taskset -c "$LOOP_CPU" "$BIN/syscall_loop" $(loop_args); }

# The least CPU_NS and the least WALL_NS among the loop's sub-round lines on stdin.
fastest_subround() { awk 'NR == 1 || $1 < c { c = $1 } NR == 1 || $2 < w { w = $2 } END { print c, w }'; }

measure_untraced() {
	sleep "$SETTLE_S"
	loop_untraced
}

measure_floor() {
	local kind=$1 hold
	rm -f "$W/hold.out" # await_line must not see the last run's "ready"
	background taskset -c "$TRACER_CPU" "$BIN/bpf_hold" -P "floor_$kind" "$BIN/floor.bpf.o" >"$W/hold.out" 2>"$W/hold.err"
	hold=$BG_PID
	await_line "$W/hold.out" ready 30 "$hold"
	sleep "$SETTLE_S"
	loop_untraced
	stop "$hold"
}

# The loop starts stopped, the tracer attaches to its PID, then the loop runs: every call is traced.
measure_traced_loop() {
	local ready=$1 log=$2 loop tracer
	shift 2
	rm -f "$log"
	start_stopped_loop "$W/loop.out" $(loop_args)
	loop=$BG_PID
	background "$@" "$loop" >"$log" 2>&1
	tracer=$BG_PID
	await_line "$log" "$ready" 60 "$tracer"
	sleep "$SETTLE_S"
	kill -CONT "$loop"
	wait "$loop"
	cat "$W/loop.out"
	stop "$tracer" "${STOP_SIGNAL:-TERM}"
}

# The probe tracing the loop; the pipeline must have carried every call (unless $1 is "any").
measure_probe() {
	measure_traced_loop Tracing "$W/probe.log" java_trace
	grep "^emitted" "$W/probe.log" >>"$OUT/probe-counters.log" || { echo "the probe printed no counters:" >&2; cat "$W/probe.log" >&2; return 1; }
	[ "${1:-}" = any ] && return
	# The whole pipeline must have carried every call: delivered counts records handed to Java.
	awk -v calls="$CALLS" '/^emitted/ { if ($4 < calls || $8 != 0) { print "probe lost records: " $0 > "/dev/stderr"; exit 1 } }' "$W/probe.log"
}

measure_bpftrace() {
	STOP_SIGNAL=INT measure_traced_loop Tracing "$W/bpftrace.log" taskset -c "$TRACER_CPU" bpftrace "$HERE/bpf/syscall_latency.bt"
}

measure_bystander() {
	local other tracer
	background taskset -c "$TRACER_CPU" "$BIN/syscall_loop" -s 3600 -r "$OTHER_RATE" >/dev/null
	other=$BG_PID
	rm -f "$W/bystander.log"
	background java_trace "$other" >"$W/bystander.log" 2>&1
	tracer=$BG_PID
	await_line "$W/bystander.log" Tracing 60 "$tracer"
	sleep "$SETTLE_S"
	loop_untraced
	stop "$tracer"
	stop "$other"
	grep '^emitted' "$W/bystander.log" >>"$OUT/bystander-counters.log"
}

# ---- other people's tracers: on a shared machine, a test run or a bpftrace of someone else's makes
# every syscall dearer while it is loaded ----

tracers_loaded() {
	bpftool prog list 2>/dev/null | grep -cE '^[0-9]+: (tracepoint|raw_tracepoint|tracing|kprobe|perf_event) ' || true
}

# Waits up to $1 seconds for no tracing-type BPF program to be loaded; fails if one still is.
await_no_tracers() {
	local deadline=$(($(date +%s) + $1))
	while [ "$(tracers_loaded)" != 0 ]; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# Runs measurement "$@" into $W/value when no one else's tracer is loaded, and again (up to 3
# times) if one was loaded when it ended. Our own programs are gone a moment after their links.
# IGNORE_OTHER_TRACERS=1 measures at once: for a machine where others trace all the time (their
# programs then cost every variant the same few ns, so differences between variants still hold).
measure_clean() {
	local try
	if [ "${IGNORE_OTHER_TRACERS:-0}" = 1 ]; then
		"$@" >"$W/value"
		return
	fi
	for try in 1 2 3; do
		await_no_tracers 300 || echo "someone else's tracing programs stayed loaded for 5 min; measuring anyway" >&2
		"$@" >"$W/value"
		await_no_tracers 3 && return
		echo "someone else's tracer was loaded during $1: measuring again" >&2
	done
}

# Median of the numbers on stdin (one per line).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

machine_line() {
	echo "kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
}
