# Shared by run-overhead.sh, run-throughput.sh and run-breakdown.sh: root check, build, process
# bookkeeping and medians. Sourced, not run.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$HERE/target/native
JAR=$HERE/target/overhead-bench.jar
LOOP_CPU=${LOOP_CPU:-0}     # the measured loop runs here, alone
TRACER_CPU=${TRACER_CPU:-1} # tracers, consumers and helpers run here
STARTED_PIDS=()
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

# Builds the C/BPF parts and the Java jar (with the library from this checkout) unless SKIP_BUILD=1.
build() {
	[ "${SKIP_BUILD:-0}" = 1 ] && return
	echo "building (SKIP_BUILD=1 to skip) ..." >&2
	make -s -C "$HERE" >&2
	(cd "$ROOT" && mvn -q -B -pl benchmarks/overhead -am package -DskipTests >&2)
}

# tracefs is needed by bpftrace's tracepoint: probes; mounted only if it is not already.
mount_tracefs() {
	if [ ! -e /sys/kernel/tracing/events ]; then
		mount -t tracefs tracefs /sys/kernel/tracing && MOUNTED_TRACEFS=1
	fi
}

# Runs "$@" in the background and remembers its PID (in $BG_PID) for cleanup.
background() {
	"$@" &
	BG_PID=$!
	STARTED_PIDS+=("$BG_PID")
}

# Stops one process we started: SIGTERM (or $2), then waits for it.
stop() {
	local pid=$1 sig=${2:-TERM}
	kill -"$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	for pid in "${STARTED_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -CONT "$pid" 2>/dev/null || true
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
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

# Median of the numbers on stdin (one per line).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

machine_line() {
	echo "kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
}
