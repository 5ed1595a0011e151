#!/usr/bin/env bash
# Start-up and launch mode (issue 15), in alternating rounds, medians and ratios side by side:
#
#  1. exec to "Tracing" (first_line times the first line holding the word):
#       probe      java -jar probe-demo.jar --pid P            (this checkout)
#       baseline   the same with BASELINE_JAR, if given (e.g. a build of main before the change)
#       marks      probe with -Dmcp-latency-probe.startup.marks=true: where the time went, phase by phase
#       bpftrace   bpftrace bpf/syscall_latency.bt P           (its BEGIN prints "Tracing" once attached)
#       hello      a JVM whose main prints "Tracing": the floor for any Java tool
#       appcds     probe with -XX:SharedArchiveFile (an AppCDS archive dumped by one run first):
#                  what a JVM flag would give; `java -jar` cannot take it from the jar (APPCDS=0: off)
#  2. launch mode: syscall_loop -n CALLS (getppid, one round, not pinned: the JVM's threads compete
#     with it for the 2 CPUs as they would for a user) run
#       untraced   alone
#       probe      java -jar probe-demo.jar --format json -- syscall_loop ...
#       baseline   the same with BASELINE_JAR
#       bpftrace   bpftrace -c 'syscall_loop ...' bpf/syscall_latency_cpid.bt
#       niced      probe under `nice -n 10`, the loop put back to nice 0: does the JVM's CPU (JIT,
#                  GC, start-up threads) at a lower priority take less from the traced command?
#     The figure is the loop's own wall time per call (it prints it); "added" is that minus the
#     untraced median. Each run's exactness is checked: the probe's JSON must count at least CALLS
#     getppid calls and drop none. The tracer's own CPU time over the run (user + system of the
#     whole command minus the loop's, from bash's `times`) is reported as well.
#
# Usage: sudo benchmarks/overhead/run-startup.sh
# Settings: ROUNDS=11 LAUNCH_ROUNDS=7 CALLS=2000000 BASELINE_JAR= APPCDS=1 SKIP_BUILD=0 JAVA=java
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-11}
LAUNCH_ROUNDS=${LAUNCH_ROUNDS:-7}
CALLS=${CALLS:-2000000}
BASELINE_JAR=${BASELINE_JAR:-}
JAVA=${JAVA:-java}
PROBE_JAR=$ROOT/java/target/probe-demo.jar

require_root
trap cleanup EXIT
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	echo "building (SKIP_BUILD=1 to skip) ..." >&2
	make -s -C "$HERE" >&2
	(cd "$ROOT" && mvn -q -B -pl java -am package -DskipTests >&2)
fi
command -v bpftrace >/dev/null || { echo "needs bpftrace (apt-get install bpftrace)" >&2; exit 1; }
mount_tracefs
OUT=$HERE/target/results/startup-$(date +%Y%m%d-%H%M%S)
W=$OUT/work
mkdir -p "$W"

# The Hello-World JVM, compiled once into the scratch directory.
printf 'public class Hello { public static void main(String[] a) { System.err.println("Tracing"); } }\n' >"$W/Hello.java"
javac -d "$W" "$W/Hello.java"

STARTUP=(probe bpftrace hello marks)
if [ "${APPCDS:-1}" = 1 ]; then
	background sleep 3600
	# The classes one run loads, dumped at its exit (JDK 13+); the later runs map them.
	"$JAVA" -XX:ArchiveClassesAtExit="$W/app.jsa" -jar "$PROBE_JAR" --pid "$BG_PID" --duration 1s >/dev/null 2>"$W/appcds-dump.log"
	stop "$BG_PID"
	STARTUP+=(appcds)
fi
LAUNCH=(untraced probe bpftrace niced)
if [ -n "$BASELINE_JAR" ]; then
	STARTUP+=(baseline)
	LAUNCH+=(baseline)
fi

{
	echo "machine: $(machine_line)"
	echo "java: $("$JAVA" -version 2>&1 | head -1); bpftrace: $(bpftrace --version)"
	echo "probe jar: $PROBE_JAR ($(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- java native bpf-src || echo ', with uncommitted changes'))"
	[ -n "$BASELINE_JAR" ] && echo "baseline jar: $BASELINE_JAR"
	echo "start-up rounds $ROUNDS, launch rounds $LAUNCH_ROUNDS of $CALLS calls; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

# ---- 1. exec to "Tracing" ----
background sleep 3600
target=$BG_PID
startup_cmd() {
	case $1 in
	probe) echo "$JAVA -jar $PROBE_JAR --pid $target" ;;
	baseline) echo "$JAVA -jar $BASELINE_JAR --pid $target" ;;
	marks) echo "$JAVA -Dmcp-latency-probe.startup.marks=true -jar $PROBE_JAR --pid $target" ;;
	appcds) echo "$JAVA -XX:SharedArchiveFile=$W/app.jsa -jar $PROBE_JAR --pid $target" ;;
	bpftrace) echo "bpftrace $HERE/bpf/syscall_latency.bt $target" ;;
	hello) echo "$JAVA -cp $W Hello" ;;
	esac
}
printf 'round\tvariant\tms\tmaxrss_kib\n' >"$OUT/startup.tsv"
: >"$OUT/marks.txt"
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1)):"
	for ((i = 0; i < ${#STARTUP[@]}; i++)); do
		v=${STARTUP[$(((i + r) % ${#STARTUP[@]}))]}
		# shellcheck disable=SC2046
		"$BIN/first_line" Tracing -- $(startup_cmd "$v") >"$W/first.out" 2>"$W/first.err" || true
		ms=$(awk '/^Tracing/ { print $2 }' "$W/first.out")
		rss=$(awk '/^maxrss_kib/ { print $2 }' "$W/first.out")
		printf '%d\t%s\t%s\t%s\n' "$((r + 1))" "$v" "${ms:-nan}" "${rss:-nan}" >>"$OUT/startup.tsv"
		if [ "$v" = marks ]; then
			grep -a '^startup-marks' "$W/first.err" | sed "s/^/round $((r + 1)) exec_to_tracing=${ms:-nan} /" >>"$OUT/marks.txt" || true
		fi
		line+=" $v ${ms:-nan}"
	done
	echo "$line" >&2
done
stop "$target"

smed() { awk -v v="$1" -v c="${2:-3}" -F'\t' '$2 == v { print $c }' "$OUT/startup.tsv" | median; }
# A phase's median over the rounds: the time its mark was reached (ms since main).
mark_med() { { grep -o " $1@[a-z-]*=[0-9.]*" "$OUT/marks.txt" || true; } | sed 's/.*=//' | median; }
{
	echo
	echo "exec to \"Tracing\", median of $ROUNDS alternating rounds (ms; peak RSS MiB):"
	for v in "${STARTUP[@]}"; do
		printf '  %-9s %7.0f ms  %5.0f MiB   %s\n' "$v" "$(smed "$v")" "$(smed "$v" 4 | awk '{ print $1 / 1024 }')" "$(startup_cmd "$v" | sed "s|$W|DIR|g; s|$ROOT/||g")"
	done
	awk -v p="$(smed probe)" -v b="$(smed bpftrace)" -v h="$(smed hello)" 'BEGIN {
		printf "  probe / bpftrace %.2f (target <= 2), probe %.0f ms (target <= 150), probe - hello JVM %.0f ms\n", p / b, p, p - h }'
	# The same ratios within each round, then the median: less exposed to the machine's slower swings.
	sround() {
		awk -v x="$1" -v y="$2" -F'\t' 'NR > 1 && $3 != "nan" { v[$1, $2] = $3; r[$1] = 1 }
			END { for (i in r) if ((i, x) in v && (i, y) in v) print v[i, x] / v[i, y] }' "$OUT/startup.tsv" | median | awk '{ printf "%.2f", $1 }'
	}
	echo "  per round, median: probe / bpftrace $(sround probe bpftrace), probe / hello $(sround probe hello)"
	if [ -n "$BASELINE_JAR" ]; then
		awk -v p="$(smed probe)" -v b="$(smed baseline)" -v t="$(smed bpftrace)" 'BEGIN { printf "  baseline / bpftrace %.2f; probe / baseline %.2f\n", b / t, p / b }'
		echo "  per round, median: baseline / bpftrace $(sround baseline bpftrace), probe / baseline $(sround probe baseline)"
	fi
	echo
	echo "where the probe's time went (marks run; ms since main, medians; a phase on mlp-preload runs beside main):"
	for m in jna_placing private_tmp natives_cached natives_unpacked jna_initialised shim_dlopened shim_registered options_parsed targets_checked shim_ready bpf_loaded attached tracing; do
		val=$(mark_med "$m")
		[ "$val" = nan ] && continue
		printf '  %-18s %7.1f ms\n' "$m" "$val"
	done
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^exec_to_tracing=/) e = substr($i, 17); else if ($i ~ /^tracing@/) { split($i, a, "="); t = a[2] } print e - t }' "$OUT/marks.txt" | median |
		awk '{ printf "  exec to main (exec to \"Tracing\" minus main to \"Tracing\") %.1f ms\n", $1 }'
} | tee -a "$OUT/summary.txt"

# ---- 2. launch mode ----
LOOP=("$BIN/syscall_loop" -n "$CALLS" -k 1 -p 0)
# User + system seconds of every child waited for, from bash's `times` on stdin (second line: XmY.YYYs).
children_cpu_s() { tail -1 | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } print s }'; }
# Runs variant $1 once; prints "LOOP_WALL_NS LOOP_CPU_NS TOOL_CPU_S" and checks the probe's counts.
launch_once() {
	local v=$1 t0 t1
	local -a cmd
	case $v in
	untraced) cmd=("${LOOP[@]}") ;;
	probe) cmd=("$JAVA" -jar "$PROBE_JAR" --format json -- "${LOOP[@]}") ;;
	baseline) cmd=("$JAVA" -jar "$BASELINE_JAR" --format json -- "${LOOP[@]}") ;;
	bpftrace) cmd=(bpftrace -c "${LOOP[*]}" "$HERE/bpf/syscall_latency_cpid.bt") ;;
	niced) cmd=(nice -n 10 "$JAVA" -jar "$PROBE_JAR" --format json --as-root -- nice -n -10 "${LOOP[@]}") ;;
	esac
	# The CPU time of everything this subshell waited for: the tool and the loop it launched.
	times >"$W/times0"
	"${cmd[@]}" >"$W/launch.out" 2>"$W/launch.err" || { echo "$v failed:" >&2; tail -5 "$W/launch.err" >&2; return 1; }
	times >"$W/times1"
	t0=$(children_cpu_s <"$W/times0")
	t1=$(children_cpu_s <"$W/times1")
	local loopline
	loopline=$(grep -aE '^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+$' "$W/launch.out" | tail -1)
	[ -n "$loopline" ] || { echo "$v: no line from the loop" >&2; return 1; }
	if [ "$v" = probe ] || [ "$v" = baseline ] || [ "$v" = niced ]; then
		# Exact: every one of the loop's getppid calls counted, none dropped.
		python3 - "$W/launch.out" "$CALLS" <<'EOF' || return 1
import json, sys
doc = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')][-1]
rows = [s for s in doc['syscalls'] if s['name'] == 'getppid']
n = rows[0]['count'] if rows else 0
dropped = doc['loss']['dropped']
if n < int(sys.argv[2]) or dropped:
    sys.exit(f"not exact: {n} getppid calls counted, {dropped} dropped")
EOF
	fi
	awk -v l="$loopline" -v t0="$t0" -v t1="$t1" -v n="$CALLS" 'BEGIN { split(l, a, " ");
		printf "%s %s %.3f\n", a[2], a[1], (t1 - t0) - a[1] * n / 1e9 }'
}
printf 'round\tvariant\tloop_wall_ns_per_call\tloop_cpu_ns_per_call\ttool_cpu_s\n' >"$OUT/launch.tsv"
for ((r = 0; r < LAUNCH_ROUNDS; r++)); do
	line="launch round $((r + 1)):"
	for ((i = 0; i < ${#LAUNCH[@]}; i++)); do
		v=${LAUNCH[$(((i + r) % ${#LAUNCH[@]}))]}
		read -r wall cpu tool <<<"$(launch_once "$v")"
		printf '%d\t%s\t%s\t%s\t%s\n' "$((r + 1))" "$v" "$wall" "$cpu" "$tool" >>"$OUT/launch.tsv"
		line+=" $v $wall"
	done
	echo "$line" >&2
done
lmed() { awk -v v="$1" -v c="${2:-3}" -F'\t' '$2 == v { print $c }' "$OUT/launch.tsv" | median; }
{
	echo
	echo "launch mode, $CALLS getppid calls, median of $LAUNCH_ROUNDS alternating rounds (the loop's wall ns per call; tool CPU s):"
	a=$(lmed untraced)
	for v in "${LAUNCH[@]}"; do
		awk -v v="$v" -v m="$(lmed "$v")" -v a="$a" -v c="$(lmed "$v" 4)" -v t="$(lmed "$v" 5)" 'BEGIN {
			printf "  %-9s %8.1f ns/call  added %7.1f   loop cpu %6.1f ns/call   tool cpu %6.3f s\n", v, m, m - a, c, (v == "untraced" ? 0 : t) }'
	done
	ratio() { awk -v x="$(lmed "$1")" -v y="$(lmed "$2")" -v a="$a" 'BEGIN { if (y - a <= 0) print "n/a"; else printf "%.2f", (x - a) / (y - a) }'; }
	per_round() {
		awk -v x="$1" -v y="$2" -F'\t' 'NR > 1 { v[$1, $2] = $3; r[$1] = 1 }
			END { for (i in r) if (v[i, y] - v[i, "untraced"] > 0) print (v[i, x] - v[i, "untraced"]) / (v[i, y] - v[i, "untraced"]) }' "$OUT/launch.tsv" | median | awk '{ printf "%.2f", $1 }'
	}
	echo "  added probe / added bpftrace: $(ratio probe bpftrace) of the medians, $(per_round probe bpftrace) median per round (target <= 0.40)"
	echo "  added niced / added bpftrace: $(ratio niced bpftrace) of the medians, $(per_round niced bpftrace) median per round"
	[ -n "$BASELINE_JAR" ] && echo "  added baseline / added bpftrace: $(ratio baseline bpftrace) of the medians, $(per_round baseline bpftrace) median per round"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT/summary.txt"
echo
echo "raw data: $OUT"
