#!/usr/bin/env bash
# Issue 15's steady-state targets in one command: the probe's kernel side before (BEFORE, a git
# commit) and after side by side, with what staging and the clock reads cost
# (run-experiments.sh: at-BEFORE, unstaged, no-clock, stage-32), then the probe through Java
# against bpftrace and the floor (run-overhead.sh). The first run ends with the probe's added cost
# over (floor + the two clock reads), the limit of any exact per-syscall timer on the machine, from
# the medians of its rounds; the second prints the ratio to bpftrace. About 8 minutes here.
#
# Usage: sudo benchmarks/overhead/run-steady.sh
# Settings (environment): BEFORE=3f0f36b (main before staging), ROUNDS=15, OVERHEAD_ROUNDS=7, and
#                         those of the two scripts (IGNORE_OTHER_TRACERS=1 on a machine where others trace).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BEFORE=${BEFORE:-3f0f36b}

ROUNDS=${ROUNDS:-15} "$HERE/run-experiments.sh" "at-$BEFORE" unstaged no-clock stage-32
EXP=$(ls -d "$HERE"/target/results/experiments-* | tail -1)
{
	echo
	echo "added cost over the limit (floor + the two clock reads): (probe - untraced) / ((floor_btf - untraced) + (probe - no-clock))"
	awk -v before="probe:at-$BEFORE" '
		function median(key,   i, j, k, t, x) {
			k = 0
			for (i = 1; i <= n; i++) if ((i, key) in v) x[++k] = v[i, key]
			for (i = 2; i <= k; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
			return k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2
		}
		$1 == "round" { v[$2, $4] = $6; if ($2 > n) n = $2 }
		END {
			a = median("untraced"); f = median("floor_btf"); p = median("probe:baseline")
			c = median("probe:no-clock"); b = median(before)
			limit = (f - a) + (p - c)
			printf "medians of %d rounds: floor %.1f + clocks %.1f = limit %.1f ns\n", n, f - a, p - c, limit
			printf "after (this checkout): added %.1f ns = %.2fx the limit\n", p - a, (p - a) / limit
			printf "before (%s): added %.1f ns = %.2fx the limit\n", before, b - a, (b - a) / limit
		}' "$EXP/rounds.txt"
} | tee -a "$EXP/summary.txt"

ROUNDS=${OVERHEAD_ROUNDS:-7} "$HERE/run-overhead.sh"
