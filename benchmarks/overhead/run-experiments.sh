#!/usr/bin/env bash
# Side-by-side variants of the probe's kernel side, to find where a traced syscall's cost goes and
# what makes it cheaper. Each experiments/NAME.patch changes bpf-src/ and/or native/src/main/ of
# this checkout; a variant named at-REF is bpf-src/ and native/src/main/ of git commit REF as they
# were (at-main: before a change, side by side with after). Every variant (and "baseline", the
# checkout unpatched) is built the same way into its own libmcp-latency-probe.so. ab_bench (src/main/c/ab_bench.c) then loads them in one process and
# switches between them every few hundred ms in rotating order, measuring the CPU ns/call of its
# getppid loop: untraced, under the tp_btf floor, traced by each variant (drained on the other
# CPU), and, for baseline and filter-* variants, as a bystander while the variant traces another
# process. Switching in milliseconds lets the variants share this machine's noise evenly.
#
# A second table comes from ab_bench -T: all variants loaded and attached at once, this process's
# PID moved from one variant's filter to the next every sub-round (microseconds to switch), for
# variants whose bystander path is the baseline's (names not starting with filter- or lean-):
# their differences from baseline are the least noisy figures here.
#
# Usage: sudo benchmarks/overhead/run-experiments.sh [NAME|at-REF...]   (default: every patch)
# Settings (environment): ROUNDS=15 CALLS=200000 SUBROUNDS=3 TOGGLE_ROUNDS=41 TOGGLE_CALLS=100000
#                         OTHER_RATE=100000 SKIP_BUILD=0
set -euo pipefail
: "${SUBROUNDS:=3}" # before lib.sh, whose default is for run-overhead.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-15}
CALLS=${CALLS:-200000} # per sub-round
OTHER_RATE=${OTHER_RATE:-100000}
TOGGLE_ROUNDS=${TOGGLE_ROUNDS:-41}
TOGGLE_CALLS=${TOGGLE_CALLS:-100000}
if [ $# -gt 0 ]; then
	NAMES=("$@")
else
	NAMES=()
	for p in "$HERE"/experiments/*.patch; do NAMES+=("$(basename "$p" .patch)"); done
fi

require_root
trap cleanup EXIT
build native
OUT=$HERE/target/results/experiments-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
EXP=$HERE/target/experiments

# Builds variant $1 (patched with experiments/$1.patch unless "baseline"; at-REF: git commit REF's
# sources) into $EXP/$1/libmcp-latency-probe.so.
build_variant() {
	local name=$1 dir=$EXP/$1
	rm -rf "$dir"
	mkdir -p "$dir/src/native/src/main" "$dir/bpf"
	if [ "${name#at-}" != "$name" ]; then
		git -C "$ROOT" archive "${name#at-}" bpf-src native/src/main | tar -x -C "$dir/src"
	else
		cp -r "$ROOT/bpf-src" "$dir/src/"
		cp -r "$ROOT/native/src/main/c" "$ROOT/native/src/main/include" "$dir/src/native/src/main/"
	fi
	rm -rf "$dir/src/bpf-src/build"
	if [ "$name" != baseline ] && [ "${name#at-}" = "$name" ]; then
		patch -s -p1 -d "$dir/src" <"$HERE/experiments/$name.patch"
	fi
	cp "$BIN/vmlinux.h" "$dir/bpf/"
	make -s -C "$dir/src/bpf-src" OUT="$dir/bpf" >&2
	gcc -std=gnu11 -O2 -shared -fPIC -o "$dir/libmcp-latency-probe.so" \
		-I"$dir/src/native/src/main/include" -I"$dir/src/bpf-src" -I"$dir/bpf" \
		"$dir/src/native/src/main/c/mlp_shim.c" -lbpf -lpthread
}

VARIANTS=(baseline "${NAMES[@]}")
for v in "${VARIANTS[@]}"; do
	echo "building variant $v" >&2
	build_variant "$v"
done

SPECS=(untraced "floor:$BIN/floor.bpf.o:floor_btf")
for v in "${VARIANTS[@]}"; do
	SPECS+=("probe:$EXP/$v/libmcp-latency-probe.so")
	case $v in baseline | at-* | filter-* | lean-* | task-*) SPECS+=("bystander:$EXP/$v/libmcp-latency-probe.so") ;; esac
done

echo "machine: $(machine_line)" | tee "$OUT/summary.txt"
echo "rounds $ROUNDS, $SUBROUNDS sub-rounds of $CALLS calls per measurement (the fastest counts); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
"$BIN/ab_bench" -n "$CALLS" -k "$SUBROUNDS" -r "$ROUNDS" -l "$LOOP_CPU" -c "$TRACER_CPU" -o "$OTHER_RATE" "${SPECS[@]}" \
	| sed -e "s|$EXP/||g" -e 's|/libmcp-latency-probe.so||' -e "s|floor:$BIN/floor.bpf.o:floor_btf|floor_btf|" | tee "$OUT/rounds.txt" >&2

# Per variant: the median over rounds, and the median of its per-round difference from the
# same round's baseline (paired: the machine's slow swings cancel out).
med() { awk -v v="$1" '$4 == v { print $6 }' "$OUT/rounds.txt" | median; }
paired() {
	awk -v v="$1" -v ref="$2" '$4 == v { x[$2] = $6 } $4 == ref { r[$2] = $6 } END { for (i in x) if (i in r) print x[i] - r[i] }' "$OUT/rounds.txt" | median
}
# (x - untraced) / (floor - untraced) within each round, then the median.
floor_ratio() {
	awk -v v="$1" '$4 == v { x[$2] = $6 } $4 == "untraced" { a[$2] = $6 } $4 == "floor_btf" { b[$2] = $6 }
		END { for (i in x) if ((i in a) && (i in b) && b[i] > a[i]) print (x[i] - a[i]) / (b[i] - a[i]) }' "$OUT/rounds.txt" | median
}
a=$(med untraced) b=$(med floor_btf)
{
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	printf '%-34s %12s %8s %8s %10s %14s %7s\n' variant "cpu ns/call" added "x floor" "per round" "paired vs base" drops
	for spec in untraced floor_btf "${SPECS[@]:2}"; do
		spec=${spec//$EXP\//}
		spec=${spec%/libmcp-latency-probe.so}
		kind=${spec%%:*}
		x=$(med "$spec")
		d=""
		case $spec in *:baseline | untraced | floor_btf) ;; *) d=$(paired "$spec" "$kind:baseline") ;; esac
		drops=$(awk -v v="$spec" '$4 == v { d += $12 } END { print d + 0 }' "$OUT/rounds.txt")
		awk -v s="$spec" -v x="$x" -v a="$a" -v b="$b" -v d="$d" -v drops="$drops" -v fr="$(floor_ratio "$spec")" \
			'BEGIN { printf "%-34s %12.1f %8.1f %8.2f %10.2f %14s %7d\n", s, x, x - a, (x - a) / (b - a), fr, d == "" ? "" : sprintf("%+.1f", d), drops }'
	done
} | tee -a "$OUT/summary.txt"

TOGGLED=()
for v in "${VARIANTS[@]}"; do
	case $v in filter-* | lean-*) ;; *) TOGGLED+=("probe:$EXP/$v/libmcp-latency-probe.so") ;; esac
done
if [ ${#TOGGLED[@]} -gt 1 ]; then
	await_no_tracers 300 || echo "someone else's tracing programs are loaded; measuring anyway" >&2
	"$BIN/ab_bench" -T -n "$TOGGLE_CALLS" -k 1 -r "$TOGGLE_ROUNDS" -l "$LOOP_CPU" -c "$TRACER_CPU" "${TOGGLED[@]}" \
		| sed -e "s|$EXP/||g" -e 's|/libmcp-latency-probe.so||' | tee "$OUT/toggled.txt" >&2
	tmed() { awk -v v="$1" '$4 == v { print $6 }' "$OUT/toggled.txt" | median; }
	tpaired() {
		awk -v v="$1" '$4 == v { x[$2] = $6 } $4 == "probe:baseline" { r[$2] = $6 } END { for (i in x) if (i in r) print x[i] - r[i] }' "$OUT/toggled.txt" | median
	}
	{
		echo
		echo "toggled (all loaded at once, $TOGGLE_ROUNDS rounds of $TOGGLE_CALLS calls; each figure includes the others' bystander paths):"
		printf '%-34s %12s %14s %7s\n' variant "cpu ns/call" "paired vs base" drops
		for spec in "${TOGGLED[@]}"; do
			spec=${spec//$EXP\//}
			spec=${spec%/libmcp-latency-probe.so}
			d=""
			[ "$spec" = probe:baseline ] || d=$(tpaired "$spec")
			drops=$(awk -v v="$spec" '$4 == v { d += $12 } END { print d + 0 }' "$OUT/toggled.txt")
			awk -v s="$spec" -v x="$(tmed "$spec")" -v d="$d" -v drops="$drops" \
				'BEGIN { printf "%-34s %12.1f %14s %7d\n", s, x, d == "" ? "" : sprintf("%+.1f", d), drops }'
		done
	} | tee -a "$OUT/summary.txt"
fi
echo
echo "raw data: $OUT"
