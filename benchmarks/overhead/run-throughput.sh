#!/usr/bin/env bash
# The throughput benchmark: a one-core syscall storm (the getppid loop on CPU 0) traced
# with default settings by the Java library, the JVM pinned to CPU 1. Each round runs the storm
# flat out and paced at RATE calls/s; reported: events/s delivered to Java, drops, and the CPU the
# consumer thread and the whole JVM used, as % of one core.
#
# Usage: sudo benchmarks/overhead/run-throughput.sh
# Settings (environment): ROUNDS=3 SECONDS_PER_RUN=5 RATE=1000000 SKIP_BUILD=0 JAVA_OPTS=
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
RATE=${RATE:-1000000}
JAVA_OPTS=${JAVA_OPTS:-}

require_root
trap cleanup EXIT
build
OUT=$HERE/target/results/throughput-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
echo "rounds $ROUNDS of ${SECONDS_PER_RUN}s storms, flat out and paced at $RATE/s; storm on CPU $LOOP_CPU, JVM on CPU $TRACER_CPU; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
printf 'round\tstorm\tevents_per_s\tdelivered\temitted\tdropped\tconsumer_cpu_pct\tprocess_cpu_pct\n' >"$OUT/runs.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
	for storm in max paced; do
		rate=()
		[ "$storm" = paced ] && rate=("$RATE")
		await_no_tracers 300 || echo "someone else's tracing programs stayed loaded for 5 min; measuring anyway" >&2
		background taskset -c "$TRACER_CPU" java $JAVA_OPTS -jar "$JAR" throughput "$BIN/syscall_loop" "$SECONDS_PER_RUN" "${rate[@]}" >"$OUT/$storm-$r.log" 2>&1
		wait "$BG_PID" || { echo "the throughput run failed:" >&2; cat "$OUT/$storm-$r.log" >&2; exit 1; }
		awk -v r="$r" -v s="$storm" '/^storm_exit/ {
			for (i = 1; i < NF; i += 2) f[$i] = $(i + 1)
			printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r, s, f["events_per_s"], f["delivered"], f["emitted"], f["dropped"], f["consumer_cpu_pct"], f["process_cpu_pct"] }' \
			"$OUT/$storm-$r.log" | tee -a "$OUT/runs.tsv" >&2
	done
done

col() { awk -v s="$1" -v c="$2" -F'\t' '$2 == s { print $c }' "$OUT/runs.tsv" | median; }
{
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	printf '%-7s %11s %10s %14s %9s   %s\n' storm "events/s" "drops(sum)" "consumer %cpu" "JVM %cpu" "per 1M events/s: consumer, JVM"
	for storm in max paced; do
		drops=$(awk -v s="$storm" -F'\t' '$2 == s { d += $6 } END { print d + 0 }' "$OUT/runs.tsv")
		awk -v s="$storm" -v e="$(col "$storm" 3)" -v d="$drops" -v c="$(col "$storm" 7)" -v p="$(col "$storm" 8)" \
			'BEGIN { printf "%-7s %11.0f %10d %14.2f %9.2f   %6.2f %6.2f\n", s, e, d, c, p, c / (e / 1e6), p / (e / 1e6) }'
	done
	echo "(medians of $ROUNDS rounds; target: zero drops and the consumer <= 25% of one core at 1M events/s)"
} | tee -a "$OUT/summary.txt"
echo
echo "raw data: $OUT"
