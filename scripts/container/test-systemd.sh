#!/usr/bin/env bash
# make test-systemd: the systemd setup of the README, live, under a real systemd (PID 1 of a
# debootstrap'd Debian 12 booted by systemd-nspawn). Installs the units with scripts/install-systemd.sh
# as the user and as root (the jars built on the host by 'make'), then as a lingering user checks:
# the target starts both servers and they answer MCP; the probe unit runs as a DynamicUser with only
# CAP_BPF+CAP_PERFMON and reports the servers' PIDs with calls under load; a restarted server is
# picked up within 2 s without restarting the probe; stopping the target stops both; the live
# 'systemd-analyze security' scores meet the README's gates; run_mcp_benchmark.sh finds the running
# units; the official npm servers run behind the gateway from the example env files and are benchmarked
# with --unit; stopping the probe leaves none of its BPF programs loaded and its final report on disk.
# Run as root, after 'make'.
set -euo pipefail
# One compound command: bash reads it whole, so editing this file cannot change a running test.
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,sudo,ca-certificates,openjdk-17-jre-headless,libbpf1,procps
# npm: with apt-get, whose resolver can install it (debootstrap's cannot).
APT_PACKAGES="nodejs npm"
USER_NAME=mcpuser
CHECKOUT=/home/$USER_NAME/mcp-latency-probe
JARS=(probe-demo.jar benchmarks/mcp/target/mcp-servers.jar benchmarks/mcp/target/mcp-stress.jar)
SERVERS=(thinking memory)
# The official npm servers behind the gateway, from the example env files install-systemd.sh installs.
OFFICIAL=(official-thinking official-memory)
PICKUP_LIMIT_S=2
STRESS_S=12
PROBE_INTERVAL=500ms
# CAP_BPF (39) and CAP_PERFMON (38), as /proc/PID/status shows a capability set.
PROBE_CAPS=000000c000000000

# On failure, what the units said, before the teardown throws the container away.
fail() {
    if [ -n "$CT_PID1" ]; then
        ct_log "the units' status and journals:"
        { u systemctl --user status --no-pager -l 'omnimind-mcp*' 2>&1 | tail -n 40
          u journalctl --user --no-pager -n 30 2>&1
          ct_root systemctl status --no-pager -l omnimind-mcp-probe.service 2>&1 | tail -n 20
          ct_root journalctl --no-pager -n 30 -u omnimind-mcp-probe.service -u 'user@*' 2>&1; } | sed 's/^/  diag | /' >&2 || true
    fi
    ct_die "$*"
}
timings=()
phase_start=0
begin() { phase_start=$SECONDS; ct_log "== $*"; }
took() { timings+=("$(printf '%5d s  %s' $((SECONDS - phase_start)) "$1")"); }

for jar in "${JARS[@]}"; do
    [ -f "$repo/$jar" ] || { echo "test-systemd: $repo/$jar is missing: run 'make' first" >&2; exit 1; }
done
command -v bpftool >/dev/null || { echo "test-systemd: bpftool is missing (make deps)" >&2; exit 1; }

ct_init "mcpsysd-$$"
total_start=$SECONDS
u() { ct_user "$USER_NAME" "$@"; }                       # the user, in the container's namespaces
uctl() { u systemctl --user "$@"; }
env_port() { sed -n 's/^MCP_PORT=//p' "$CT_ROOT/home/$USER_NAME/.config/omnimind/mcp-$1.env" | tail -n 1; }
free_port() { # a TCP port nothing listens on (host and container share the network), 20000-59999
    local port listening
    listening=$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null \
                | while read -r hex; do echo $((16#$hex)); done)
    while :; do
        port=$((20000 + RANDOM % 40000))
        grep -qx "$port" <<<"$listening" || { echo "$port"; return; }
    done
}
main_pid() { uctl show -p MainPID --value "omnimind-mcp@$1.service"; }
host_pid() { # the host PID of a PID of the container's PID namespace (empty if none)
    local p
    for p in $(find "${CT_CGROUP_HIERARCHIES[0]}/$CT_CGROUP/payload" -name cgroup.procs -exec cat {} + 2>/dev/null); do
        if [ "$(awk '/^NSpid:/ {print $NF}' "/proc/$p/status" 2>/dev/null)" = "$1" ]; then echo "$p"; return 0; fi
    done
    return 0
}
mcp_initialize() { # PORT: an MCP initialize over Streamable HTTP, from inside (node's fetch)
    u node -e '
        const body = {jsonrpc: "2.0", id: 1, method: "initialize", params: {protocolVersion: "2025-06-18",
            capabilities: {}, clientInfo: {name: "test-systemd", version: "1"}}};
        fetch(`http://127.0.0.1:${process.argv[1]}/mcp`, {method: "POST", body: JSON.stringify(body),
            headers: {"content-type": "application/json", accept: "application/json, text/event-stream"}})
          .then(async r => { const t = await r.text(); console.log(r.status, t.slice(0, 300));
                             process.exit(r.ok && t.includes("serverInfo") ? 0 : 1); })
          .catch(e => { console.log(String(e)); process.exit(1); });' "$1"
}
prog_ids() { # the ids of the BPF programs loaded on the host, as bpftool lists them
    bpftool prog list | sed -nE 's/^([0-9]+): .*/\1/p'
}
held_prog_ids() { # HOST_PID: the programs that process holds descriptors of (programs and links)
    grep -hs '^prog_id:' /proc/"$1"/fdinfo/* | awk '{print $2}' | sort -un
}
wait_answering() { # SERVER: until it answers an MCP initialize on its port (sets port, out)
    local ok=""
    port=$(env_port "$1")
    for _ in $(seq 60); do out=$(mcp_initialize "$port") && { ok=1; break; }; sleep 0.5; done
    [ -n "$ok" ] || fail "omnimind-mcp@$1 does not answer an MCP initialize on 127.0.0.1:$port: $out"
}
probe_journal() { ct_root journalctl -u omnimind-mcp-probe.service -o cat --no-pager "$@"; }
# Waits until the probe's journal, after line $1, has a report naming PID $2 or $3; prints the seconds.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'; }
wait_report_naming() {
    local after=$1 pid1=$2 pid2=$3 limit=$4 start=$EPOCHREALTIME
    while :; do
        if probe_journal | tail -n +"$((after + 1))" | grep -aqE "^Process ($pid1|$pid2)( |:)"; then
            since "$start"; return 0
        fi
        awk -v s="$(since "$start")" -v l="$limit" 'BEGIN { exit !(s > l) }' && return 1
        sleep 0.1
    done
}

begin "rootfs"
tarball=$(ct_rootfs_tarball "$PACKAGES" "$APT_PACKAGES")
took "rootfs (debootstrap, or the cached tarball)"

begin "boot"
ct_extract "$tarball"
ct_add_user "$USER_NAME"
# Lingering: the user's manager starts at boot and keeps the units running without a login.
mkdir -p "$CT_ROOT/var/lib/systemd/linger" && touch "$CT_ROOT/var/lib/systemd/linger/$USER_NAME"
# A persistent journal, as Debian 12 installs have: journalctl --user reads the user's own file.
mkdir -p "$CT_ROOT/var/log/journal"
ct_clone_project "$CHECKOUT" "$USER_NAME"
for jar in "${JARS[@]}"; do install -D -m 0644 "$repo/$jar" "$CT_ROOT$CHECKOUT/$jar"; done
chown -R --reference="$CT_ROOT$CHECKOUT" "$CT_ROOT$CHECKOUT"
# The host's network: the install may fetch npm packages (the gateway for stdio servers). The servers
# bind 127.0.0.1 only, on free ports the test picks (below), so nothing collides with the host's.
ct_boot
uid=$(ct_root id -u "$USER_NAME")
for _ in $(seq 100); do [ -S "/proc/$CT_PID1/root/run/user/$uid/bus" ] && break; sleep 0.1; done
took "extract + boot to running"

# ---- install, as the README's systemd section does ----
begin "install"
u bash -c "cd $CHECKOUT && bash scripts/install-systemd.sh" | sed 's/^/  | /' >&2
u bash -c "cd $CHECKOUT && sudo bash scripts/install-systemd.sh" | sed 's/^/  | /' >&2
for f in /opt/mcp-latency-probe/probe-demo.jar /opt/mcp-latency-probe/mcp-servers.jar /etc/systemd/system/omnimind-mcp-probe.service \
         "/home/$USER_NAME/.config/systemd/user/omnimind-mcp@.service" "/home/$USER_NAME/.config/systemd/user/omnimind-mcp.target"; do
    [ -f "$CT_ROOT$f" ] || fail "install-systemd.sh did not install $f"
done
# The one container-only change: nspawn puts a FIFO over /proc/kmsg, which a unit's user namespace
# cannot cover with ProtectKernelLogs='s mount ("Failed to set up mount namespacing: .../proc/kmsg").
dropin=$CT_ROOT/home/$USER_NAME/.config/systemd/user/omnimind-mcp@.service.d
mkdir -p "$dropin" && printf '[Service]\nProtectKernelLogs=no\n' >"$dropin/test-systemd-nspawn.conf"
chown -R --reference="$CT_ROOT/home/$USER_NAME" "$CT_ROOT/home/$USER_NAME/.config"
ct_log "container-only drop-in for the servers: ProtectKernelLogs=no (nspawn's /proc/kmsg FIFO)"
for s in "${SERVERS[@]}" "${OFFICIAL[@]}"; do
    [ -f "$CT_ROOT/home/$USER_NAME/.config/omnimind/mcp-$s.env" ] || fail "install-systemd.sh did not install mcp-$s.env"
    sed -i "s/^MCP_PORT=.*/MCP_PORT=$(free_port)/" "$CT_ROOT/home/$USER_NAME/.config/omnimind/mcp-$s.env"
    ct_log "omnimind-mcp@$s will listen on 127.0.0.1:$(env_port "$s") ($USER_NAME's env file)"
done
# Shorter intervals than the default 10 s, added to the probe's own settings file (kept if installed).
mkdir -p "$CT_ROOT/etc/omnimind" && echo "PROBE_INTERVAL=$PROBE_INTERVAL" >>"$CT_ROOT/etc/omnimind/mcp-probe.env"
took "install (install-systemd.sh as the user and as root)"

# ---- the servers ----
begin "servers: README commands, then the target"
uctl daemon-reload
uctl enable --now "${SERVERS[@]/#/omnimind-mcp@}" || fail "systemctl --user enable --now ${SERVERS[*]/#/omnimind-mcp@} failed"
uctl enable --now omnimind-mcp.target || fail "systemctl --user enable --now omnimind-mcp.target failed"
for s in "${SERVERS[@]}"; do
    uctl is-active -q "omnimind-mcp@$s.service" || fail "omnimind-mcp@$s is $(uctl is-active "omnimind-mcp@$s.service")"
done
uctl is-active -q omnimind-mcp.target || fail "omnimind-mcp.target is not active"
for s in "${SERVERS[@]}"; do
    wait_answering "$s"
    ct_log "omnimind-mcp@$s (PID $(main_pid "$s")) answers on 127.0.0.1:$port: ${out:0:120}"
    journal=$(u journalctl --user -u "omnimind-mcp@$s.service" -o cat --no-pager)
    sed 's/^/  journal | /' <<<"$journal" | head -n 8 >&2
    grep -q "Started omnimind-mcp@$s\|Started OmniMind MCP server '$s'" <<<"$journal" || fail "journalctl --user -u omnimind-mcp@$s shows no start-up lines"
done
took "servers started and answering"

# ---- the probe unit ----
begin "probe unit"
mapfile -t progs_before < <(prog_ids)
ct_root systemctl daemon-reload
ct_root systemctl enable --now omnimind-mcp-probe.service
for _ in $(seq 100); do probe_journal | grep -aq '^Tracing' && break; sleep 0.2; done
probe_journal | grep -aq '^Tracing' || { probe_journal | tail -n 20 >&2; fail "the probe unit did not start tracing"; }
probe_pid=$(ct_root systemctl show -p MainPID --value omnimind-mcp-probe.service)
probe_restarts=$(ct_root systemctl show -p NRestarts --value omnimind-mcp-probe.service)
[ "$(ct_root systemctl show -p DynamicUser --value omnimind-mcp-probe.service)" = yes ] || fail "the probe unit is not a DynamicUser"
status=$(ct_root cat "/proc/$probe_pid/status")
probe_uid=$(awk '/^Uid:/ {print $3}' <<<"$status")
caps=$(awk '/^Cap(Eff|Prm|Bnd|Amb):/ {printf "%s %s ", $1, $2}' <<<"$status")
[ "$probe_uid" != 0 ] || fail "the probe runs as root"
for c in CapEff CapPrm CapBnd CapAmb; do
    grep -qE "^$c:[[:space:]]*$PROBE_CAPS\$" <<<"$status" || fail "the probe's $c is not exactly CAP_BPF+CAP_PERFMON: $caps"
done
ct_log "probe PID $probe_pid, uid $probe_uid ($(ct_root ps -o user= -p "$probe_pid")), $caps"
probe_host_pid=$(host_pid "$probe_pid")
[ -n "$probe_host_pid" ] || fail "no host PID for the probe (container PID $probe_pid)"
mapfile -t probe_prog_ids < <(held_prog_ids "$probe_host_pid")
[ ${#probe_prog_ids[@]} -gt 0 ] || fail "the probe (host PID $probe_host_pid) holds no BPF program"
for id in "${probe_prog_ids[@]}"; do
    printf '%s\n' "${progs_before[@]}" | grep -qx "$id" && fail "program $id was loaded before the probe started"
    prog_ids | grep -qx "$id" || fail "bpftool does not list the probe's program $id"
done
ct_log "the probe holds BPF programs ${probe_prog_ids[*]} (host PID $probe_host_pid; ${#progs_before[@]} programs were loaded before it)"
took "probe unit started"

begin "load: mcp-stress against both servers"
urls=()
for s in "${SERVERS[@]}"; do urls+=(--url "http://127.0.0.1:$(env_port "$s")/mcp"); done
u java -jar "$CHECKOUT/benchmarks/mcp/target/mcp-stress.jar" "${urls[@]}" --duration "${STRESS_S}s" --concurrency 4 \
    >"$CT_WORK/stress.log" 2>&1 </dev/null &
stress_job=$!
# The reports that count are those written once the load runs (the stress JVM takes a few seconds).
for _ in $(seq 100); do grep -q . "$CT_WORK/stress.log" && break; sleep 0.2; done
sleep 3
for s in "${SERVERS[@]}"; do
    pid=$(main_pid "$s") hpid=$(host_pid "$(main_pid "$s")")
    mark=$(probe_journal | wc -l)
    secs=$(wait_report_naming "$mark" "$pid" "${hpid:-$pid}" 15) || { probe_journal | tail -n 30 >&2; fail "no probe report names omnimind-mcp@$s (PID $pid, host PID $hpid)"; }
    line=$(probe_journal | tail -n +"$((mark + 1))" | grep -aE "^Process ($pid|${hpid:-$pid})( |:)" | tail -n 1)
    named=$(awk '{print $2}' <<<"$line"); named=${named%:}
    calls=$(sed -nE 's/^Process [0-9]+( \([^)]*\))?: ([0-9]+) calls.*/\2/p' <<<"$line")
    [ -n "$calls" ] && [ "$calls" -gt 0 ] || fail "the probe's line for omnimind-mcp@$s has no calls: $line"
    which=container; [ "$named" = "$pid" ] || which=host
    ct_log "probe report names omnimind-mcp@$s by its $which PID $named: $line"
done
total=$(probe_journal | grep -a '^Total calls:' | tail -n 1 | awk '{print $3}')
[ -n "$total" ] && [ "$total" -gt 0 ] || fail "the probe's interval reports show no calls (Total calls: '$total')"
# The last complete interval report, as the journal holds it.
probe_journal | awk '/MCP Latency Report/ { cur = ""; on = 1 } on { cur = cur $0 "\n" } /^Verdict:/ && on { last = cur; on = 0 }
    END { printf "%s", last }' | sed 's/^/  probe journal | /' >&2
status=0; wait "$stress_job" || status=$?
sed 's/^/  mcp-stress | /' "$CT_WORK/stress.log" | tail -n 25 >&2
[ "$status" -eq 0 ] || fail "mcp-stress exited with $status"
took "interval reports name both servers under load"

begin "restart omnimind-mcp@memory"
old=$(main_pid memory)
mark=$(probe_journal | wc -l)
uctl restart omnimind-mcp@memory.service
new=$(main_pid memory) hnew=$(host_pid "$(main_pid memory)")
[ "$new" != "$old" ] && [ "$new" != 0 ] || fail "omnimind-mcp@memory did not get a new PID ($old -> $new)"
wait_report_naming "$mark" "$new" "${hnew:-$new}" 15 >/dev/null \
    || { probe_journal | tail -n +"$((mark + 1))" | grep -a '^Process' >&2; fail "no probe report named the new memory server (PID $new, host PID $hnew)"; }
# From the new process's exec to the journal line that names it, both on CLOCK_MONOTONIC (one kernel).
started=$(uctl show -p ExecMainStartTimestampMonotonic --value omnimind-mcp@memory.service)
named_at=$(probe_journal -o json | grep -aE "\"MESSAGE\":\"Process ($new|${hnew:-$new})[ :]" | head -n 1 \
    | sed -nE 's/.*"__MONOTONIC_TIMESTAMP":"([0-9]+)".*/\1/p')
[ -n "$started" ] && [ -n "$named_at" ] || fail "no timestamps for the restart (started '$started', named '$named_at')"
secs=$(awk -v a="$started" -v b="$named_at" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
awk -v s="$secs" -v l="$PICKUP_LIMIT_S" 'BEGIN { exit !(s <= l) }' \
    || fail "the probe's first report naming the new memory server came $secs s after it started (limit $PICKUP_LIMIT_S s)"
[ "$(ct_root systemctl show -p MainPID --value omnimind-mcp-probe.service)" = "$probe_pid" ] \
    && [ "$(ct_root systemctl show -p NRestarts --value omnimind-mcp-probe.service)" = "$probe_restarts" ] \
    || fail "the probe restarted"
ct_log "restarted memory: PID $old -> $new (host $hnew); first named in a probe report $secs s after its exec, the probe unchanged (PID $probe_pid)"
took "restart picked up"

begin "stop and start the target"
uctl stop omnimind-mcp.target
# The servers are ordered Before= the target, so they stop after it: wait for them (TimeoutStopSec=20s).
stop_start=$EPOCHREALTIME
for s in "${SERVERS[@]}"; do
    for _ in $(seq 250); do
        state=$(uctl is-active "omnimind-mcp@$s.service" || true)
        [ "$state" = activating ] || [ "$state" = deactivating ] || [ "$state" = active ] || break
        sleep 0.1
    done
    [ "$state" = inactive ] || fail "after stopping the target, omnimind-mcp@$s is $state"
done
ct_log "both servers inactive $(since "$stop_start") s after 'systemctl --user stop omnimind-mcp.target' returned"
uctl start omnimind-mcp.target
for s in "${SERVERS[@]}"; do
    uctl is-active -q "omnimind-mcp@$s.service" || fail "starting the target did not start omnimind-mcp@$s"
    wait_answering "$s"
done
ct_log "stopping omnimind-mcp.target stopped both servers; starting it started both, answering MCP"
took "target stop/start"

begin "systemd-analyze security (live)"
gates=$(sed -n 's/.*systemd-analyze security --offline=yes`[^(]*(gates: probe \([0-9.]*\), servers \([0-9.]*\).*/\1 \2/p' "$repo/README.md")
read -r probe_gate server_gate <<<"$gates"
[ -n "$probe_gate" ] && [ -n "$server_gate" ] || fail "README.md states no security gates (gates: probe X, servers Y)"
check_score() { # unit gate output
    local score
    score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$3")
    [ -n "$score" ] || fail "systemd-analyze security printed no score for $1"
    ct_log "systemd-analyze security $1: $score (README's gate: <= $2)"
    awk -v s="$score" -v g="$2" 'BEGIN { exit !(s <= g) }' || fail "$1 scores $score, above the README's gate $2"
}
check_score omnimind-mcp-probe.service "$probe_gate" "$(ct_root systemd-analyze security --no-pager omnimind-mcp-probe.service 2>&1)"
for s in "${SERVERS[@]}"; do
    check_score "omnimind-mcp@$s.service" "$server_gate" "$(u systemd-analyze --user security --no-pager "omnimind-mcp@$s.service" 2>&1)"
done
took "systemd-analyze security"

begin "scripts/run_mcp_benchmark.sh 10 8 (root, the running units)"
status=0
u bash -c "cd $CHECKOUT && sudo bash scripts/run_mcp_benchmark.sh 10 8" >"$CT_WORK/bench.out" 2>"$CT_WORK/bench.err" || status=$?
sed 's/^/  | /' "$CT_WORK/bench.err" >&2
[ "$status" -eq 0 ] || fail "run_mcp_benchmark.sh exited with $status"
grep -q 'servers (running systemd units)' "$CT_WORK/bench.err" || fail "run_mcp_benchmark.sh did not use the running units"
report=$(tail -n 1 "$CT_WORK/bench.out")
[ -s "$CT_ROOT$report" ] && [ -s "$CT_ROOT${report%.txt}.json" ] || fail "run_mcp_benchmark.sh wrote no report ($report)"
grep -q '^Verdict' "$CT_ROOT$report" || fail "the benchmark report has no verdict"
ct_log "benchmark report $report: $(grep '^Verdict' "$CT_ROOT$report" | tail -n 1)"
took "run_mcp_benchmark.sh 10 8"

begin "the official servers behind the gateway"
uctl start "${OFFICIAL[@]/#/omnimind-mcp@}" || fail "systemctl --user start ${OFFICIAL[*]/#/omnimind-mcp@} failed"
for s in "${OFFICIAL[@]}"; do
    wait_answering "$s"
    ct_log "omnimind-mcp@$s (PID $(main_pid "$s"), supergateway) answers on 127.0.0.1:$port: ${out:0:120}"
done
status=0
u bash -c "cd $CHECKOUT && sudo bash scripts/run_mcp_benchmark.sh 5 4 --unit omnimind-mcp@official-memory --calls benchmarks/mcp/calls/memory.json" \
    >"$CT_WORK/bench-official.out" 2>"$CT_WORK/bench-official.err" || status=$?
sed 's/^/  | /' "$CT_WORK/bench-official.err" | tail -n 25 >&2
[ "$status" -eq 0 ] || fail "run_mcp_benchmark.sh --unit omnimind-mcp@official-memory exited with $status"
report=$(tail -n 1 "$CT_WORK/bench-official.out")
[ -s "$CT_ROOT$report" ] || fail "run_mcp_benchmark.sh wrote no report for the official memory server ($report)"
grep -q '^Verdict' "$CT_ROOT$report" || fail "the official memory server's report has no verdict"
grep -q 'tools/call create_entities' "$CT_ROOT$report" || fail "the official memory server's report has no tools/call create_entities row"
ct_log "official memory server, its own benchmark report $report: $(grep '^Verdict' "$CT_ROOT$report" | tail -n 1)"
grep -a 'tools/call' "$CT_ROOT$report" | head -n 12 | sed 's/^/  official-memory report | /' >&2
uctl stop "${OFFICIAL[@]/#/omnimind-mcp@}"
took "official servers behind the gateway: answering, benchmarked"

begin "stop the probe"
stop_time=$(ct_root date +%s)
ct_root systemctl stop omnimind-mcp-probe.service
# The kernel frees a program after its last reference goes, RCU-deferred: give it a few seconds.
for _ in $(seq 50); do
    left=()
    mapfile -t progs_after < <(prog_ids)
    for id in "${probe_prog_ids[@]}"; do
        printf '%s\n' "${progs_after[@]}" | grep -qx "$id" && left+=("$id")
    done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
done
[ ${#left[@]} -eq 0 ] || fail "BPF programs of the probe still loaded after it stopped: ${left[*]}"
final=$(ct_root find /var/lib/mcp-latency-probe/ -name 'ebpf_mcp_latency_*.txt' -newermt "@$((stop_time - 1))" | tail -n 1)
[ -n "$final" ] || { ct_root ls -la /var/lib/mcp-latency-probe/ >&2; fail "no final report in the probe's state directory"; }
ct_root grep -q '^Total calls:' "$final" || fail "the final report $final has no Total calls line"
ct_log "probe stopped: its programs ${probe_prog_ids[*]} are gone; final report $final ($(ct_root grep '^Total calls:' "$final"))"
took "probe stopped"

uctl stop omnimind-mcp.target
ct_log "PASSED in $((SECONDS - total_start)) s"
printf '%s\n' "${timings[@]}" >&2
exit 0
}
