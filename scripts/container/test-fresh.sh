#!/usr/bin/env bash
# make test-fresh: the README's two commands, exactly as the README writes them, run by a normal user
# with sudo on a fresh Debian 12 (debootstrap minbase + Java 17, Maven, make, git; systemd as PID 1),
# then the demo and a --pid run inside the container's own PID namespace. Run as root.
#
# What it proves: a new user's first commands build, trace calls and pass every test (none skipped),
# the checkout stays the user's, and the probe traces the right calls inside a PID namespace.
# The rootfs is cached (/var/cache/mcp-latency-probe); the project's build never is: Maven starts cold.
set -euo pipefail
# One compound command: bash reads it whole, so editing this file cannot change a running test.
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

PACKAGES=systemd,systemd-sysv,dbus,sudo,ca-certificates,openjdk-17-jdk-headless,maven,make,git,procps
USER_NAME=newuser
CHECKOUT=/home/$USER_NAME/mcp-latency-probe
DD_COUNT=20000

fail() { ct_die "$*"; }
timings=()
phase_start=0
begin() { phase_start=$SECONDS; ct_log "== $*"; }
took() { timings+=("$(printf '%5d s  %s' $((SECONDS - phase_start)) "$1")"); }

# The README's two commands, from its "The two commands" block, comments removed: the test runs
# what the README says, so it breaks when the README changes.
mapfile -t commands < <(awk '/^## The two commands/ { sec = 1; next } sec && /^## / { exit }
    sec && /^```/ { if (inblock) exit; inblock = 1; next } inblock { print }' "$repo/README.md" \
    | sed -E 's/[[:space:]]+#.*$//' | sed '/^[[:space:]]*$/d')
[ ${#commands[@]} -eq 2 ] || { echo "test-fresh: README.md's 'The two commands' block should hold 2 commands, found ${#commands[@]}" >&2; exit 1; }
[ "${commands[1]}" = "sudo make test" ] || { echo "test-fresh: the README's second command is '${commands[1]}', expected 'sudo make test'" >&2; exit 1; }
[[ ${commands[0]} == *"java -jar probe-demo.jar"* ]] || { echo "test-fresh: the README's first command '${commands[0]}' does not run the demo" >&2; exit 1; }

ct_init "mcpfresh-$$"
total_start=$SECONDS

begin "rootfs"
tarball=$(ct_rootfs_tarball "$PACKAGES")
took "rootfs (debootstrap, or the cached tarball)"

begin "boot"
ct_extract "$tarball"
ct_add_user "$USER_NAME"
# A UTF-8 locale, as the Debian installer and Debian's cloud images set one (minbase has none).
echo LANG=C.UTF-8 >"$CT_ROOT/etc/default/locale"
ct_clone_project "$CHECKOUT" "$USER_NAME"
# The registries (apt, Maven Central) are needed: the host's network. Servers stay on 127.0.0.1.
ct_boot
took "extract + boot to running"

# ---- 1. the README's commands, as the user, in a VM-like session (host PID namespace) ----
log1=$CT_WORK/command1.log log2=$CT_WORK/command2.log
begin "README command 1: ${commands[0]}"
status=0
ct_vm "$USER_NAME" "cd $CHECKOUT && ${commands[0]}" 2>&1 | tee "$log1" | sed -u 's/^/  | /' >&2 || status=${PIPESTATUS[0]}
took "command 1: ${commands[0]}"
[ "$status" -eq 0 ] || fail "'${commands[0]}' exited with $status"
calls=$(grep -a '^Total calls:' "$log1" | tail -n 1 | awk '{print $3}')
verdict=$(grep -a '^Verdict:' "$log1" | tail -n 1 | awk '{print $2}')
[ -n "$calls" ] && [ "$calls" -gt 0 ] || fail "the demo traced no calls (Total calls: '${calls}')"
[ -n "$verdict" ] && [ "$verdict" != NO_DATA ] || fail "the demo's verdict is '${verdict}'"
ct_log "demo: Total calls $calls, verdict $verdict"

begin "README command 2: ${commands[1]}"
status=0
ct_vm "$USER_NAME" "cd $CHECKOUT && ${commands[1]}" 2>&1 | tee "$log2" | sed -u 's/^/  | /' >&2 || status=${PIPESTATUS[0]}
took "command 2: ${commands[1]}"
[ "$status" -eq 0 ] || fail "'${commands[1]}' exited with $status"
# The summary's last line: "N passed, N failed, N skipped".
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log2" | grep -aE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' | tail -n 1 || true)
[ -n "$summary" ] || fail "'${commands[1]}' printed no 'N passed, N failed, N skipped' summary"
read -r passed _ failed _ skipped _ <<<"${summary//,/}"
[ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] || fail "make test: $summary (expected nothing failed or skipped)"
ct_log "make test: $summary"

# The checkout is still the user's: sudo made nothing in it root's.
foreign=$(ct_root find "$CHECKOUT" ! -user "$USER_NAME" -print | head -n 20)
[ -z "$foreign" ] || fail "files in the checkout not owned by $USER_NAME after the README's commands:"$'\n'"$foreign"
ct_log "the checkout is still owned by $USER_NAME"

# ---- 2. inside the container's own PID namespace (nsenter -a), as root ----
begin "demo in the container's PID namespace"
log3=$CT_WORK/demo-pidns.log
status=0
ct_root sh -c "cd $CHECKOUT && java -jar probe-demo.jar" >"$log3" 2>&1 || status=$?
sed 's/^/  | /' "$log3" | tail -n 25 >&2
took "demo in the container's PID namespace"
[ "$status" -eq 0 ] || fail "the demo in the container's PID namespace exited with $status"
calls=$(grep -a '^Total calls:' "$log3" | tail -n 1 | awk '{print $3}')
verdict=$(grep -a '^Verdict:' "$log3" | tail -n 1 | awk '{print $2}')
[ -n "$calls" ] && [ "$calls" -gt 0 ] && [ "$verdict" != NO_DATA ] || fail "the demo in the container's PID namespace: Total calls '$calls', verdict '$verdict'"
ct_log "demo (PID namespace): Total calls $calls, verdict $verdict"

begin "--pid of dd in the container's PID namespace"
log4=$CT_WORK/pid-pidns.log
# dd starts when the probe says it is tracing (exec keeps the PID), so every read of it counts. It is
# the container init's child, not the probe's nor this shell's, so it is reaped when it exits.
status=0
ct_root sh -c "cd $CHECKOUT && rm -f /tmp/dd-go
    ( sh -c 'while [ ! -e /tmp/dd-go ]; do sleep 0.05; done; exec dd if=/dev/zero of=/dev/null bs=1 count=$DD_COUNT 2>/dev/null' &
      echo \$! >/tmp/dd.pid )
    dd=\$(cat /tmp/dd.pid)
    echo \"dd PID (container): \$dd\"
    java -jar probe-demo.jar --pid \$dd --syscalls read --per-process >/tmp/probe.out 2>/tmp/probe.err &
    probe=\$!
    for i in \$(seq 1200); do grep -q '^Tracing' /tmp/probe.err && break; kill -0 \$probe 2>/dev/null || break; sleep 0.1; done
    touch /tmp/dd-go
    st=0; wait \$probe || st=\$?
    cat /tmp/probe.err /tmp/probe.out
    exit \$st" >"$log4" 2>&1 || status=$?
sed 's/^/  | /' "$log4" | tail -n 25 >&2
took "--pid of dd in the container's PID namespace"
[ "$status" -eq 0 ] || fail "--pid in the container's PID namespace exited with $status"
dd_pid=$(sed -n 's/^dd PID (container): //p' "$log4")
reads=$(grep -a '^Total calls:' "$log4" | head -n 1 | awk '{print $3}')
[ -n "$reads" ] && [ "$reads" -ge "$DD_COUNT" ] || fail "--pid $dd_pid (dd bs=1 count=$DD_COUNT): $reads reads traced, expected >= $DD_COUNT"
# --per-process titles dd's own report "PID n: ..." with its PID as the container sees it.
grep -aq "PID $dd_pid: " "$log4" || fail "no report names dd by its PID in the container ($dd_pid)"
ct_log "--pid $dd_pid: $reads reads (dd made $DD_COUNT + a few)"

ct_log "PASSED in $((SECONDS - total_start)) s"
printf '%s\n' "${timings[@]}" >&2
exit 0
}
