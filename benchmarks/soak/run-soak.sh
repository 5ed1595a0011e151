#!/usr/bin/env bash
# Soak benchmark (issue 10): the CLI traces a paced getppid storm (~RATE syscalls/s) with 1 s
# interval reports for MINUTES minutes; after each minute it samples the probe JVM's RSS
# (/proc/PID/status VmRSS), its used heap (jstat) and its live heap after a full GC (jcmd GC.run),
# and the events/s and drops of that minute's interval reports. Memory is flat when the last 10
# minutes stay within 5% of each other.
#
# Usage: sudo benchmarks/soak/run-soak.sh [MINUTES] [RATE]      (defaults: 30 1000000)
# Output: benchmarks/soak/target/soak-<time>/{soak.tsv,reports.jsonl,probe.err,summary.txt}
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MINUTES=${1:-30}
RATE=${2:-1000000}
[ "$(id -u)" = 0 ] || { echo "run as root (the probe loads BPF programs)" >&2; exit 2; }
[ -f "$ROOT/probe-demo.jar" ] || { echo "build first: make" >&2; exit 2; }

OUT=$HERE/target/soak-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
# Private copies: a rebuild during the run must not change the jar under the JVM.
cp "$ROOT/probe-demo.jar" "$OUT/probe-demo.jar"
${CC:-clang} -O2 -o "$OUT/syscall_loop" "$ROOT/benchmarks/overhead/src/main/c/syscall_loop.c"

# A minute longer than sampled, so the last sample is taken from a running probe.
java -jar "$OUT/probe-demo.jar" --interval 1s --duration "$((MINUTES + 1))m" --format json \
	-- "$OUT/syscall_loop" -s $((MINUTES * 60 + 70)) -r "$RATE" >"$OUT/reports.jsonl" 2>"$OUT/probe.err" &
PROBE=$!
# Only our own child, by PID, if this script is interrupted.
trap 'kill "$PROBE" 2>/dev/null || true' EXIT INT TERM
START=$(date +%s)
echo "soak: probe PID $PROBE, ${MINUTES} min at ${RATE}/s, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"

heap_kb() { # used heap in KiB: survivor + eden + old
	jstat -gc "$1" 2>/dev/null | awk 'NR == 2 { printf "%d\n", $3 + $4 + $6 + $8 }'
}
printf 'minute\trss_kb\theap_used_kb\theap_after_gc_kb\tevents_per_s\tdropped_in_minute\tunread_change\tload1\n' >"$OUT/soak.tsv"
for ((m = 1; m <= MINUTES; m++)); do
	wake=$((START + m * 60))
	now=$(date +%s)
	[ "$wake" -gt "$now" ] && sleep $((wake - now))
	kill -0 "$PROBE" 2>/dev/null || { echo "the probe exited early (minute $m)" | tee -a "$OUT/summary.txt"; break; }
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PROBE/status" 2>/dev/null || echo NA)
	used=$(heap_kb "$PROBE")
	jcmd "$PROBE" GC.run >/dev/null 2>&1 || true
	live=$(heap_kb "$PROBE")
	# This minute's interval reports: the last 60 lines so far.
	stats=$(tail -n 60 "$OUT/reports.jsonl" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.startswith("{")]
calls = sum(r["total_calls"] for r in rows); secs = sum(r["window_s"] for r in rows) or 1
print("%.0f\t%d\t%d" % (calls / secs, sum(r["loss"]["dropped"] for r in rows), sum(r["loss"].get("unread", 0) for r in rows)))')
	printf '%d\t%s\t%s\t%s\t%s\t%s\n' "$m" "$rss" "${used:-NA}" "${live:-NA}" "$stats" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/soak.tsv"
done
wait "$PROBE" || echo "probe exit status $?" | tee -a "$OUT/summary.txt"
trap - EXIT INT TERM
# Flatness over the last 10 minutes: (max - min) / min per column.
awk -F'\t' -v n="$MINUTES" 'NR > 1 && $1 > n - 10 {
	for (c = 2; c <= 4; c++) { if (!(c in lo) || $c < lo[c]) lo[c] = $c; if ($c > hi[c]) hi[c] = $c }
} END {
	split("rss heap_used heap_after_gc", name, " ")
	for (c = 2; c <= 4; c++) printf "last 10 min %s: %d..%d KiB, spread %.1f%%\n", name[c - 1], lo[c], hi[c], 100 * (hi[c] - lo[c]) / lo[c]
}' "$OUT/soak.tsv" | tee -a "$OUT/summary.txt"
tail -n 3 "$OUT/probe.err" | tee -a "$OUT/summary.txt"
echo "raw data: $OUT"
