#!/usr/bin/env bash
# The overhead benchmark: ns per syscall of a getppid loop pinned to one CPU, with the
# tracer on the other, in alternating rounds. The figure is the loop thread's CPU time per call
# (BPF programs run inside its syscalls, so they are in it); wall time per call is kept too, but on
# a shared machine it also holds the time other processes took CPU 0 away. Each measurement runs
# the loop in SUBROUNDS sub-rounds PAUSE_MS apart and keeps the fastest (interference only adds
# time); the reported figure is the median of the rounds. Variants:
#   untraced    nothing attached                                                (a)
#   floor_raw   empty raw_tp programs on sys_enter + sys_exit                   (b, as the issue names it)
#   floor_btf   empty tp_btf programs on sys_enter + sys_exit: the probe's hooks (b, used for the ratios)
#   probe       this project's probe tracing the loop, records into Java histograms (c)
#   bpftrace    bpftrace 0.17 running bpf/syscall_latency.bt on the loop        (d)
#   bystander   an untraced loop while the probe traces another busy process    (e)
# then the start-up time of the Java library (JVM start to attached) against bpftrace's.
#
# Usage: sudo benchmarks/overhead/run-overhead.sh
# Settings (environment): ROUNDS=9 CALLS=1000000 SUBROUNDS=10 PAUSE_MS=100 SETTLE_S=0.5 ATTACH_RUNS=5 OTHER_RATE=100000 SKIP_BUILD=0 JAVA_OPTS=
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-9}
CALLS=${CALLS:-1000000}
ATTACH_RUNS=${ATTACH_RUNS:-5}
OTHER_RATE=${OTHER_RATE:-100000} # syscalls/s of the process the probe traces while the bystander runs
JAVA_OPTS=${JAVA_OPTS:-}
VARIANTS=(untraced floor_raw floor_btf probe bpftrace bystander)

require_root
trap cleanup EXIT
build
HAVE_BPFTRACE=0
if command -v bpftrace >/dev/null; then
	HAVE_BPFTRACE=1
	mount_tracefs
else
	echo "bpftrace not installed: its variant is skipped (apt-get install bpftrace)" >&2
fi
OUT=$HERE/target/results/overhead-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
W=$OUT/work
mkdir -p "$W"

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
echo "rounds $ROUNDS, $CALLS calls per measurement in $SUBROUNDS sub-rounds ${PAUSE_MS} ms apart (the fastest counts), loop on CPU $LOOP_CPU, tracers on CPU $TRACER_CPU; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
printf 'round\tvariant\tcpu_ns_per_call\twall_ns_per_call\n' >"$OUT/rounds.tsv"
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1)):"
	# Each round starts one variant later, so no variant always runs first.
	for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
		v=${VARIANTS[$(((i + r) % ${#VARIANTS[@]}))]}
		if [ "$v" = bpftrace ] && [ "$HAVE_BPFTRACE" = 0 ]; then continue; fi
		# Not in $(...): a subshell would hide the processes it starts from cleanup.
		measure_clean "measure_${v%%_*}" "${v#*_}"
		read -r cpu wall <<<"$(fastest_subround <"$W/value")"
		printf '%d\t%s\t%s\t%s\n' "$((r + 1))" "$v" "$cpu" "$wall" >>"$OUT/rounds.tsv"
		line+=" $v $cpu/$wall"
	done
	echo "$line" >&2
done

med() { awk -v v="$1" -v col="${2:-3}" -F'\t' '$2 == v { print $col }' "$OUT/rounds.tsv" | median; }
a=$(med untraced) aw=$(med untraced 4)
{
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	printf '%-10s %12s %8s   %12s %8s\n' variant "cpu ns/call" added "wall ns/call" added
	for v in "${VARIANTS[@]}"; do
		m=$(med "$v")
		[ "$m" = nan ] && continue
		awk -v v="$v" -v m="$m" -v a="$a" -v mw="$(med "$v" 4)" -v aw="$aw" \
			'BEGIN { printf "%-10s %12.1f %8.1f   %12.1f %8.1f\n", v, m, m - a, mw, mw - aw }'
	done
	# ratio X Y COLUMN: (X-a)/(Y-a) of the medians in COLUMN (3: CPU time, 4: wall time).
	ratio() {
		awk -v x="$(med "$1" "$3")" -v y="$(med "$2" "$3")" -v a="$(med untraced "$3")" \
			'BEGIN { if (y == "nan" || x == "nan" || y - a <= 0) print "n/a"; else printf "%.2f", (x - a) / (y - a) }'
	}
	# The same ratio within each round, then the median: rounds are a few seconds long, so this
	# is less exposed to the machine's slower swings than the ratio of medians.
	per_round() {
		awk -v x="$1" -v y="$2" -v col="$3" -F'\t' 'NR > 1 { v[$1, $2] = $col; r[$1] = 1 }
			END { for (i in r) if ((i, x) in v && (i, y) in v && v[i, y] - v[i, "untraced"] > 0)
				print (v[i, x] - v[i, "untraced"]) / (v[i, y] - v[i, "untraced"]) }' "$OUT/rounds.tsv" | median | awk '{ printf "%.2f", $1 }'
	}
	echo
	printf '%-36s %6s %6s   %-8s %s\n' "ratio of medians" cpu wall target "median of per-round ratios (cpu)"
	printf '%-36s %6s %6s   %-8s %s\n' "(c-a)/(d-a) probe vs bpftrace" "$(ratio probe bpftrace 3)" "$(ratio probe bpftrace 4)" "<= 0.30" "$(per_round probe bpftrace 3)"
	printf '%-36s %6s %6s   %-8s %s\n' "(c-a)/(b-a) probe vs floor (tp_btf)" "$(ratio probe floor_btf 3)" "$(ratio probe floor_btf 4)" "<= 1.6" "$(per_round probe floor_btf 3)"
	printf '%-36s %6s %6s   %-8s %s\n' "(c-a)/(b-a) probe vs floor (raw_tp)" "$(ratio probe floor_raw 3)" "$(ratio probe floor_raw 4)" "" "$(per_round probe floor_raw 3)"
	printf '%-36s %6s %6s   %-8s %s\n' "(e-a)/(b-a) bystander vs floor" "$(ratio bystander floor_btf 3)" "$(ratio bystander floor_btf 4)" "<= 1.1" "$(per_round bystander floor_btf 3)"
	echo
	echo "probe pipeline, per round: $(awk '{ for (i = 1; i < NF; i += 2) s[$i] = s[$i] " " $(i + 1) } END { printf "delivered%s; dropped%s", s["delivered"], s["dropped"] }' "$OUT/probe-counters.log")"
} | tee -a "$OUT/summary.txt"

# ---- start-up: JVM start to attached, against bpftrace's time to attach the same script ----
if [ "$ATTACH_RUNS" -gt 0 ]; then
	background sleep 3600
	target=$BG_PID
	printf 'run\twho\tmilestone\tms\tmaxrss_kib\n' >"$OUT/attach.tsv"
	for ((r = 1; r <= ATTACH_RUNS; r++)); do
		"$BIN/first_line" Tracing -- java $JAVA_OPTS -jar "$JAR" attach "$target" >"$W/attach.out" 2>"$W/attach.log"
		awk -v r="$r" '/^Tracing/ { ms = $2 } /^maxrss/ { printf "%d\tjava\tTracing\t%s\t%s\n", r, ms, $2 }' "$W/attach.out" >>"$OUT/attach.tsv"
		# Where the JVM's time went, as the attach command measured it.
		awk -v r="$r" '/^startup/ { printf "%d\tjava\tjvm_to_main\t%s\t\n%d\tjava\tshim_load\t%s\t\n%d\tjava\topen\t%s\t\n", r, $3, r, $5, r, $7 }' "$W/attach.log" >>"$OUT/attach.tsv"
		if [ "$HAVE_BPFTRACE" = 1 ]; then
			"$BIN/first_line" Attaching Tracing -- bpftrace "$HERE/bpf/syscall_latency.bt" "$target" >"$W/attach.out" 2>/dev/null
			awk -v r="$r" '/^Attaching/ { at = $2 } /^Tracing/ { tr = $2 } /^maxrss/ { printf "%d\tbpftrace\tAttaching\t%s\t%s\n%d\tbpftrace\tTracing\t%s\t%s\n", r, at, $2, r, tr, $2 }' "$W/attach.out" >>"$OUT/attach.tsv"
		fi
	done
	stop "$target"
	amed() { awk -v w="$1" -v m="$2" -v c="$3" -F'\t' '$2 == w && $3 == m { print $c }' "$OUT/attach.tsv" | median; }
	{
		echo
		echo "start-up, median of $ATTACH_RUNS runs (exec to the line, ms; peak RSS MiB):"
		printf '  java -jar overhead-bench.jar attach: "Tracing"    %7.0f ms  %5.0f MiB\n' "$(amed java Tracing 4)" "$(amed java Tracing 5 | awk '{ print $1 / 1024 }')"
		printf '    of which: JVM start to main %.0f ms, shim load (JNA) %.0f ms, open() %.0f ms\n' "$(amed java jvm_to_main 4)" "$(amed java shim_load 4)" "$(amed java open 4)"
		if [ "$HAVE_BPFTRACE" = 1 ]; then
			printf '  bpftrace: "Attaching N probes..."              %7.0f ms\n' "$(amed bpftrace Attaching 4)"
			printf '  bpftrace: BEGIN printed "Tracing" (attached)   %7.0f ms  %5.0f MiB\n' "$(amed bpftrace Tracing 4)" "$(amed bpftrace Tracing 5 | awk '{ print $1 / 1024 }')"
		fi
	} | tee -a "$OUT/summary.txt"
fi
echo
echo "raw data: $OUT"
