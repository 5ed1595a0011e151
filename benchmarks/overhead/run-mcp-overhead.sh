#!/usr/bin/env bash
# What --mcp costs (issue 12): ns per syscall of a loop pinned to one CPU, untraced, traced by the
# probe, and traced by the probe with --mcp, for two loops, in alternating rounds (the method of
# run-overhead.sh, with its lib.sh):
#   getppid   syscall(SYS_getppid): no read or write, so --mcp copies nothing; its hooks in the
#             main programs cost a few compares there (issue 12: no change beyond noise)
#   pipe      write + read of a 41-byte JSON-RPC request over a pipe: the data path --mcp copies into
#             its ring (a record per read and per write, decoded by the Java tracker)
# Figures are per syscall (a pipe iteration is two).
#
# Usage: sudo benchmarks/overhead/run-mcp-overhead.sh
# Settings (environment): VARIANTS=... ROUNDS=7 CALLS=1000000 SUBROUNDS=10 PAUSE_MS=100 SETTLE_S=0.5 SKIP_BUILD=0 JAVA_OPTS=
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-7}
CALLS=${CALLS:-1000000}
JAVA_OPTS=${JAVA_OPTS:-}
# VARIANTS="getppid_untraced getppid_probe getppid_mcp" measures only those (alternating as usual).
read -r -a VARIANTS <<<"${VARIANTS:-getppid_untraced getppid_probe getppid_mcp pipe_untraced pipe_probe pipe_mcp}"

require_root
trap cleanup EXIT
build
OUT=$HERE/target/results/mcp-overhead-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
W=$OUT/work
mkdir -p "$W"

measure_variant() { # $1 loop mode (getppid|pipe), $2 tracer (untraced|probe|mcp)
	local mode=$1
	[ "$mode" = getppid ] && mode=
	case $2 in
	untraced) LOOP_MODE=$mode measure_untraced ;;
	probe) LOOP_MODE=$mode measure_probe ;;
	mcp) LOOP_MODE=$mode TRACE_OPTS=--mcp measure_probe ;;
	esac
}

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
echo "rounds $ROUNDS, $CALLS loop iterations per measurement in $SUBROUNDS sub-rounds ${PAUSE_MS} ms apart (the fastest counts), loop on CPU $LOOP_CPU, tracer on CPU $TRACER_CPU; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
printf 'round\tvariant\tcpu_ns_per_syscall\twall_ns_per_syscall\n' >"$OUT/rounds.tsv"
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1)):"
	for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
		v=${VARIANTS[$(((i + r) % ${#VARIANTS[@]}))]}
		measure_clean measure_variant "${v%%_*}" "${v#*_}"
		read -r cpu wall <<<"$(fastest_subround <"$W/value")"
		printf '%d\t%s\t%s\t%s\n' "$((r + 1))" "$v" "$cpu" "$wall" >>"$OUT/rounds.tsv"
		line+=" $v $cpu/$wall"
	done
	echo "$line" >&2
done

med() { awk -v v="$1" -v col="${2:-3}" -F'\t' '$2 == v { print $col }' "$OUT/rounds.tsv" | median; }
{
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	printf '%-18s %14s %10s   %14s %10s\n' variant "cpu ns/syscall" added "wall ns/syscall" added
	for v in "${VARIANTS[@]}"; do
		base=${v%%_*}_untraced
		awk -v v="$v" -v m="$(med "$v")" -v a="$(med "$base")" -v mw="$(med "$v" 4)" -v aw="$(med "$base" 4)" \
			'BEGIN { printf "%-18s %14.1f %10.1f   %14.1f %10.1f\n", v, m, m - a, mw, mw - aw }'
	done
	echo
	echo "probe pipeline: $(grep -c . "$OUT/probe-counters.log" 2>/dev/null || echo 0) traced runs, counters in $OUT/probe-counters.log"
} | tee -a "$OUT/summary.txt"
echo
echo "raw data: $OUT"
