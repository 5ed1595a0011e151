#!/usr/bin/env bash
# The MCP benchmark: load the MCP servers with the stress test while the probe measures their
# syscall latency, then write the report the architecture decision is taken from.
#
#   sudo bash scripts/run_mcp_benchmark.sh <duration-seconds> <concurrency> [servers]    e.g. 60 100
#   sudo bash scripts/run_mcp_benchmark.sh --baseline FILE 60 100   also compare with an earlier report
#
# Servers: the running omnimind-mcp@* units if any is active (user units of the sudo user, or
# system units), else the reference servers (thinking, memory), started here and stopped after.
# Or your own, any mix of (repeatable; then nothing else is used):
#   --unit NAME     a running systemd unit serving MCP on http://127.0.0.1:$MCP_PORT/mcp
#                   (omnimind-mcp@x.service or just x; the sudo user's user unit, else a system unit)
#   --url URL       a Streamable HTTP endpoint on this host; the probe follows the process listening on its port
#   --stdio CMD     a stdio MCP server the stress test spawns; the probe follows it through a cgroup of its own
#   --calls FILE    tools/call cycles for servers whose tools need meaningful arguments (mcp-stress --calls),
#                   e.g. benchmarks/mcp/calls/memory.json for the official memory server
# Writes data/test_reports/ebpf_mcp_latency_YYYYMMDD_HHMMSS.txt and its .json twin, prints the path.
#
# Environment (all optional): MCP_REPORT_DIR (default data/test_reports), PROBE_JAR,
# MCP_SERVERS_JAR, MCP_STRESS_JAR (default: the build outputs; built with 'make' when missing),
# JAVA (default: java on PATH).
set -euo pipefail

prog=run_mcp_benchmark.sh
usage() {
  echo "usage: sudo bash scripts/run_mcp_benchmark.sh <duration-seconds> <concurrency> [--baseline FILE] [--unit NAME|--url URL|--stdio CMD|--calls FILE]...   (e.g. 60 100)" >&2
}

# A baseline compare cannot read fails now, not after the benchmark ran.
check_baseline() {
  [ -n "$baseline" ] || return 0
  "$java" -jar "$probe_jar" compare "$baseline" "$baseline" > /dev/null || { echo "$prog: cannot use --baseline $baseline" >&2; exit 2; }
}

# Prints the comparison of the new report with the baseline; returns compare's status.
compare_with_baseline() { # $1: the new JSON report
  [ -n "$baseline" ] || return 0
  echo "$prog: comparison with the baseline $baseline:" >&2
  local status=0
  "$java" -jar "$probe_jar" compare "$baseline" "$1" >&2 || status=$?
  return "$status"
}

# ---- the user's own servers: --unit, --url, --stdio (and --calls for the stress test) ----
# --baseline FILE: at the end, 'probe-demo.jar compare FILE <the new report>' (to stderr; stdout stays the
# report's path), and the script's status is compare's when it is not 0 (1 a regression, 2 a bad FILE).
baseline=""
own_units=() own_urls=() own_stdio=() own_calls=() own_stress_args=() own_cgroup="" stress_cgroup=""
# Takes the server options out of the arguments; what is left is in `positional`.
take_server_options() {
  local loopback_url='^http://(127\.[0-9.]+|localhost|\[::1\]):[0-9]+(/.*)?$'
  positional=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --baseline)
        if [ $# -lt 2 ] || [ ! -f "$2" ]; then
          echo "$prog: --baseline needs an existing report file (a .json written by this script or by probe-demo --out)" >&2; usage; exit 2
        fi
        baseline=$2; shift 2 ;;
      --unit|--url|--stdio|--calls)
        if [ $# -lt 2 ] || [ -z "$2" ]; then echo "$prog: $1 needs a value" >&2; usage; exit 2; fi
        case "$1" in
          --unit) own_units+=("$2") ;;
          --url)
            if ! [[ $2 =~ $loopback_url ]]; then
              echo "$prog: --url '$2' must be http://127.0.0.1:PORT/... (a server on this host, so the probe can trace it)" >&2; exit 2
            fi
            own_urls+=("$2") ;;
          --stdio) own_stdio+=("$2") ;;
          --calls) [ -f "$2" ] || { echo "$prog: --calls '$2' is not a file" >&2; exit 2; }
                   own_calls+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")") ;;
        esac
        shift 2 ;;
      *) positional+=("$1"); shift ;;
    esac
  done
}
own_servers_given() { [ $(( ${#own_units[@]} + ${#own_urls[@]} + ${#own_stdio[@]} )) -gt 0 ]; }
# Adds the user's servers to names/pids/urls/units and the probe's targets.
add_own_servers() {
  local unit name scope_args pid port home cg_root i cmd exec_word f url
  source_note="servers given on the command line"
  for unit in ${own_units[@]+"${own_units[@]}"}; do
    case "$unit" in *.service) ;; *@*) unit=$unit.service ;; *) unit=omnimind-mcp@$unit.service ;; esac
    name=${unit#omnimind-mcp@}; name=${name%.service}
    scope_args=()
    if [ -n "$user" ] && scoped_systemctl --user is-active --quiet "$unit" 2>/dev/null; then
      scope_args=(--user); targets+=(--user-unit "$unit")
    elif systemctl is-active --quiet "$unit" 2>/dev/null; then
      targets+=(--unit "$unit")
    else
      fail "unit $unit is not active (neither a user unit of ${user:-nobody} nor a system unit)"
    fi
    pid=$(scoped_systemctl ${scope_args[@]+"${scope_args[@]}"} show -p MainPID --value "$unit" 2>/dev/null || echo 0)
    home=$(getent passwd "${user:-root}" | cut -d: -f6)
    names+=("$name") pids+=("$pid") units+=("$unit")
    urls+=("http://127.0.0.1:$(unit_port "$name" "$home/.config/omnimind/mcp-$name.env")/mcp")
  done
  for url in ${own_urls[@]+"${own_urls[@]}"}; do
    port=${url#http://*:}; port=${port%%/*}
    pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$pid" ] || fail "no process listens on port $port of this host ($url)"
    names+=("port-$port") pids+=("$pid") units+=("") urls+=("$url")
    targets+=(--pid "$pid")
  done
  if [ ${#own_stdio[@]} -gt 0 ]; then
    # A cgroup v2 directory of our own with two children: the stress test runs in client/, each
    # stdio server moves itself into servers/ before it starts, and the probe follows servers/, so
    # it sees the servers but not the stress test that spawns them. Under sudo the tree is delegated
    # to the user (they own it, as systemd delegates a user's slice): a process of theirs may move
    # between two cgroups only below a common parent whose cgroup.procs they can write.
    for cg_root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
      [ "$(stat -fc %T "$cg_root" 2>/dev/null)" = cgroup2fs ] && break
    done
    [ "$(stat -fc %T "$cg_root" 2>/dev/null)" = cgroup2fs ] || fail "--stdio needs cgroup v2 (none at /sys/fs/cgroup or /sys/fs/cgroup/unified)"
    own_cgroup=$cg_root/mcp-benchmark-$$
    mkdir "$own_cgroup" "$own_cgroup/servers" "$own_cgroup/client" || fail "cannot create the cgroup $own_cgroup"
    if [ ${#as_user[@]} -gt 0 ]; then
      chown -h "$SUDO_UID:$SUDO_GID" "$own_cgroup" "$own_cgroup/cgroup.procs" "$own_cgroup/servers" \
        "$own_cgroup/servers/cgroup.procs" "$own_cgroup/client" "$own_cgroup/client/cgroup.procs"
    fi
    stress_cgroup=$own_cgroup/client
    targets+=(--cgroup "$own_cgroup/servers")
    i=0
    for cmd in "${own_stdio[@]}"; do
      i=$((i + 1))
      # The server's own script: join the cgroup, then become the command as the user wrote it
      # (through env when it starts with NAME=value settings, so the PID stays the server's).
      exec_word="exec"; [[ $cmd =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && exec_word="exec env"
      printf '#!/bin/sh\necho $$ > %q/cgroup.procs || exit 1\n%s %s\n' "$own_cgroup/servers" "$exec_word" "$cmd" > "$work/stdio-$i.sh"
      chmod 755 "$work/stdio-$i.sh"
      names+=("stdio-$i") pids+=(0) units+=("") urls+=("stdio: $cmd")
      own_stress_args+=(--stdio "$work/stdio-$i.sh")
    done
  fi
  for f in ${own_calls[@]+"${own_calls[@]}"}; do own_stress_args+=(--calls "$f"); done
}
# The cgroups are removed once the servers and the stress test in them have exited.
cleanup_own_servers() {
  [ -n "$own_cgroup" ] || return 0
  for _ in $(seq 50); do
    rmdir "$own_cgroup/servers" "$own_cgroup/client" 2>/dev/null || true
    rmdir "$own_cgroup" 2>/dev/null && return 0
    sleep 0.1
  done
  local left
  left=$(tr '\n' ' ' < "$own_cgroup/cgroup.procs" 2>/dev/null || true)
  echo "$prog: could not remove $own_cgroup (processes left in it: $left)" >&2
}
fail() { echo "$prog: $*" >&2; exit 1; }

take_server_options "$@"
set -- ${positional[@]+"${positional[@]}"}
if [ $# -ne 2 ]; then
  echo "$prog: expected 2 arguments, got $#" >&2; usage; exit 2
fi
for arg in "$1:duration" "$2:concurrency"; do
  value=${arg%:*} name=${arg##*:}
  if ! [[ $value =~ ^[0-9]+$ ]] || [ "$((10#$value))" -eq 0 ]; then
    echo "$prog: $name '$value' must be a whole number above 0" >&2; usage; exit 2
  fi
done
duration=$((10#$1)) concurrency=$((10#$2))
if [ "$concurrency" -gt 10000 ]; then
  echo "$prog: concurrency $concurrency is above 10000" >&2; usage; exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "$prog: needs root to load the eBPF probe (CAP_BPF + CAP_PERFMON): sudo bash scripts/run_mcp_benchmark.sh $*" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA:-java}
probe_jar=${PROBE_JAR:-$root/probe-demo.jar}
[ -f "$probe_jar" ] || probe_jar=$root/java/target/probe-demo.jar
servers_jar=${MCP_SERVERS_JAR:-$root/benchmarks/mcp/target/mcp-servers.jar}
stress_jar=${MCP_STRESS_JAR:-$root/benchmarks/mcp/target/mcp-stress.jar}
if [ ! -f "$probe_jar" ] || [ ! -f "$servers_jar" ] || [ ! -f "$stress_jar" ]; then
  echo "$prog: building what is missing (make)..." >&2
  make -C "$root" >&2 || fail "the build failed"
  probe_jar=$root/probe-demo.jar
fi

check_baseline
report_dir=${MCP_REPORT_DIR:-$root/data/test_reports}
stamp=$(date +%Y%m%d_%H%M%S)
work=$(mktemp -d /tmp/mcp-benchmark.XXXXXX)
# Composed in the private $work, then written by the probe's ReportFiles (no symlink followed, no file replaced).
report=$work/report.txt
report_json=$work/report.json
started_pids=() probe_pid=""

cleanup() {
  if [ -n "$probe_pid" ] && kill -0 "$probe_pid" 2>/dev/null; then kill -TERM "$probe_pid" 2>/dev/null; wait "$probe_pid" 2>/dev/null || true; fi
  for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cleanup_own_servers
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the servers: running units, or our own reference servers ----
names=() pids=() urls=() units=()
user=${SUDO_USER:-}
# systemctl in a scope ("--user": the sudo user's manager). 'systemctl --user --machine=USER@' does not
# reach it on systemd 252 (its bridge starts without XDG_RUNTIME_DIR), so it runs as that user.
scoped_systemctl() {
  if [ "${1:-}" = --user ]; then
    shift
    runuser -u "$user" -- env XDG_RUNTIME_DIR="/run/user/$(id -u "$user")" systemctl --user "$@"
  else
    systemctl "$@"
  fi
}
# What this script starts runs as the user who ran sudo, never as root (PROBE_AS_ROOT=1 keeps root).
as_user=()
if [ "$(id -u)" = 0 ] && [ "${SUDO_UID:-0}" != 0 ] && [ -n "${SUDO_GID:-}" ] && [ -z "${PROBE_AS_ROOT:-}" ]; then
  groups=--clear-groups; getent passwd "$SUDO_UID" >/dev/null && groups=--init-groups
  as_user=(setpriv --reuid="$SUDO_UID" --regid="$SUDO_GID" "$groups" --)
  chown "$SUDO_UID:$SUDO_GID" "$work" # they write their port, state and result files there
fi
list_units() { # $@: systemctl scope arguments
  { scoped_systemctl "$@" list-units 'omnimind-mcp@*.service' --state=active --plain --no-legend 2>/dev/null || true; } | awk '{print $1}'
}
unit_port() { # $1 instance name, $2 env file
  local port
  port=$(sed -n 's/^[[:space:]]*MCP_PORT=["'\'']\{0,1\}\([0-9]*\).*/\1/p' "$2" 2>/dev/null | tail -n 1)
  if [ -n "$port" ]; then echo "$port"; elif [ "$1" = memory ]; then echo 8702; else echo 8701; fi
}
if ! own_servers_given && command -v systemctl >/dev/null 2>&1; then
  scope=()
  if [ -n "$user" ]; then
    scope=(--user)
    found=$(list_units "${scope[@]}")
  else
    found=""
  fi
  if [ -z "$found" ]; then scope=(); found=$(list_units); fi
  for unit in $found; do
    name=${unit#omnimind-mcp@}; name=${name%.service}
    home=$(getent passwd "${user:-root}" | cut -d: -f6)
    pid=$(scoped_systemctl "${scope[@]}" show -p MainPID --value "$unit" 2>/dev/null || echo 0)
    names+=("$name") pids+=("$pid") units+=("$unit")
    urls+=("http://127.0.0.1:$(unit_port "$name" "$home/.config/omnimind/mcp-$name.env")/mcp")
  done
fi

if [ ${#names[@]} -eq 0 ] && ! own_servers_given; then
  source_note="reference servers started by this script"
  for name in thinking memory; do
    mkdir -p "$work/state-$name"
    [ ${#as_user[@]} -eq 0 ] || chown "$SUDO_UID:$SUDO_GID" "$work/state-$name"
    "${as_user[@]}" "$java" -XX:+ExitOnOutOfMemoryError -jar "$servers_jar" "$name" --transport http --port 0 \
      --port-file "$work/$name.port" --state-dir "$work/state-$name" > "$work/$name.log" 2>&1 &
    started_pids+=($!)
    names+=("$name") pids+=($!) units+=("")
  done
  for i in "${!names[@]}"; do
    for _ in $(seq 600); do
      [ -s "$work/${names[$i]}.port" ] && break
      kill -0 "${pids[$i]}" 2>/dev/null || fail "the ${names[$i]} server did not start: $(tail -n 3 "$work/${names[$i]}.log")"
      sleep 0.1
    done
    [ -s "$work/${names[$i]}.port" ] || fail "the ${names[$i]} server did not listen within 60 s"
    urls+=("http://127.0.0.1:$(tr -d '[:space:]' < "$work/${names[$i]}.port")/mcp")
  done
  targets=(--pid "$(IFS=,; echo "${pids[*]}")")
else
  source_note="running systemd units"
  targets=()
  for unit in "${units[@]}"; do
    if [ ${#scope[@]} -gt 0 ]; then targets+=(--user-unit "$unit"); else targets+=(--unit "$unit"); fi
  done
fi

own_servers_given && add_own_servers
echo "$prog: servers (${source_note}):" >&2
for i in "${!names[@]}"; do echo "  ${names[$i]}: PID ${pids[$i]} ${urls[$i]} ${units[$i]}" >&2; done

# ---- the probe, then the load ----
"$java" -jar "$probe_jar" "${targets[@]}" --mcp --follow-children --per-process --interval 10s \
  --out "$work/probe" --format json > "$work/probe.jsonl" 2> "$work/probe.err" &
probe_pid=$!
for _ in $(seq 300); do
  grep -q '^Tracing' "$work/probe.err" 2>/dev/null && break
  kill -0 "$probe_pid" 2>/dev/null || fail "the probe did not start: $(cat "$work/probe.err")"
  sleep 0.1
done
grep -q '^Tracing' "$work/probe.err" || fail "the probe did not attach within 30 s"
sed 's/^/  probe: /' "$work/probe.err" >&2

stress_args=(--duration "${duration}s" --concurrency "$concurrency" --json "$work/client.json")
for url in "${urls[@]}"; do case $url in http*) stress_args+=(--url "$url") ;; esac; done
for pid in "${pids[@]}"; do [ "$pid" -gt 0 ] && stress_args+=(--server-pid "$pid"); done
stress_args+=(${own_stress_args[@]+"${own_stress_args[@]}"})
stress_status=0
in_stress_cgroup=()
# Root moves the stress test into its cgroup, then it becomes the user: sh's PID is the test's.
[ -z "$stress_cgroup" ] || in_stress_cgroup=(sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$stress_cgroup")
${in_stress_cgroup[@]+"${in_stress_cgroup[@]}"} ${as_user[@]+"${as_user[@]}"} "$java" -jar "$stress_jar" "${stress_args[@]}" > "$work/client.txt" || stress_status=$?

kill -TERM "$probe_pid" # background jobs of a script ignore SIGINT
probe_status=0
wait "$probe_pid" || probe_status=$?
probe_pid=""
probe_txt=$(ls "$work"/probe/*.txt 2>/dev/null | head -n 1)
probe_json=$(ls "$work"/probe/*.json 2>/dev/null | head -n 1)
if [ -z "$probe_txt" ] || [ -z "$probe_json" ]; then
  fail "the probe wrote no report (status $probe_status): $(tail -n 3 "$work/probe.err")"
fi

# ---- the report and its JSON twin ----
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$probe_json" | tail -n 1; }
verdict=$(json_field verdict) action=$(json_field action) rule=$(json_field verdict_rule)
{
  echo "MCP latency benchmark, $(date '+%Y-%m-%d %H:%M:%S %Z')"
  echo "Host: $(hostname), kernel $(uname -r), $(nproc) CPUs"
  echo "Load: ${duration}s at concurrency ${concurrency} (mcp-stress, closed loop)"
  echo "Servers (${source_note}):"
  for i in "${!names[@]}"; do echo "  ${names[$i]}: PID ${pids[$i]}, ${urls[$i]}${units[$i]:+, unit ${units[$i]}}"; done
  echo
  echo "Server-side syscall latency (eBPF probe; all servers, then each process):"
  echo
  cat "$probe_txt"
  echo
  echo "Client-side latency (mcp-stress):"
  echo
  cat "$work/client.txt"
  echo
  echo "Verdict (P99 of the calls that are not blocking waits): ${verdict} (${rule}): ${action}"
} > "$report"
{
  printf '{"benchmark":"mcp_latency","date":"%s","duration_s":%d,"concurrency":%d,"source":"%s","servers":[' \
    "$(date -Is)" "$duration" "$concurrency" "$source_note"
  for i in "${!names[@]}"; do
    [ "$i" -gt 0 ] && printf ','
    printf '{"name":"%s","pid":%d,"url":"%s","unit":"%s"}' "${names[$i]}" "${pids[$i]}" "${urls[$i]}" "${units[$i]}"
  done
  printf '],"verdict":"%s","action":"%s","probe":' "$verdict" "$action"
  tr -d '\n' < "$probe_json"
  printf ',"client":'
  if [ -s "$work/client.json" ]; then tr -d '\n' < "$work/client.json"; else printf 'null'; fi
  printf '}\n'
} > "$report_json"
write_report() { "$java" -cp "$probe_jar" dev.mcplatencyprobe.cli.ReportFileTool "$report_dir" "$1" "$2" < "$3" || fail "cannot write the report to $report_dir"; }
report=$(write_report "ebpf_mcp_latency_$stamp" txt "$report")
report_json=$(write_report "$(basename "${report%.txt}")" json "$report_json")

echo "$report"
compare_status=0
compare_with_baseline "$report_json" || compare_status=$?
if [ "$stress_status" -ne 0 ]; then
  echo "$prog: the stress test reported problems (status $stress_status): see the client table in the report" >&2
  exit 1
fi
exit "$compare_status"
