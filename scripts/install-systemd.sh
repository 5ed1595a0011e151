#!/usr/bin/env bash
# Installs the OmniMind MCP units (what `make install-systemd` runs):
#   - the user units omnimind-mcp@.service and omnimind-mcp.target into ~/.config/systemd/user/
#     (for the user who ran sudo, when run with sudo), and an env file per server into
#     ~/.config/omnimind/ unless one is there already;
#   - as root only: the jars and the units' launcher omnimind-mcp-run into /opt/mcp-latency-probe/,
#     the pinned npm packages of systemd/npm-packages (the stdio-to-HTTP gateway and the official
#     servers the example env files run) into /opt/mcp-latency-probe/node/ with npm (skipped when
#     npm is missing or MCP_NPM_INSTALL=no; copied from MCP_NPM_FROM=DIR when given), and the system
#     unit omnimind-mcp-probe.service into /etc/systemd/system/;
# then prints the commands to start and watch them. It starts nothing itself.
#
# usage: scripts/install-systemd.sh            (DESTDIR=/some/root installs under that root, for packaging)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
units="$here/systemd"
destdir="${DESTDIR:-}"
opt_dir="$destdir/opt/mcp-latency-probe"
system_unit_dir="$destdir/etc/systemd/system"
servers_jar="$here/benchmarks/mcp/target/mcp-servers.jar"
probe_jar="$here/probe-demo.jar"

if [[ $# -gt 0 ]]; then
    case "$1" in
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "install-systemd: takes no arguments (see --help)" >&2; exit 2 ;;
    esac
fi

# Whose user units: the user behind sudo, else whoever runs this.
target_user="${SUDO_USER:-$(id -un)}"
if [[ $(id -u) -eq 0 && -n "${SUDO_USER:-}" ]]; then
    target_home="$(getent passwd "$target_user" | cut -d: -f6)"
    config_home="$target_home/.config"
else
    target_home="$HOME"
    config_home="${XDG_CONFIG_HOME:-$HOME/.config}"
fi
user_unit_dir="$config_home/systemd/user"
env_dir="$config_home/omnimind"

# Under sudo the user's files are written as that user: a root-owned ~/.config/systemd/user
# would keep 'systemctl --user enable' from creating its .wants directories.
as_user() {
    if [[ $(id -u) -eq 0 && -n "${SUDO_USER:-}" && "$target_user" != root ]]; then
        runuser -u "$target_user" -- "$@"
    else
        "$@"
    fi
}

# The gateway and official servers for MCP_COMMAND instances: owned by this script, pinned, no
# install scripts run. Kept when the pinned versions are already there.
# MCP_NPM_FROM=DIR copies DIR (an npm prefix holding exactly those versions, e.g. the
# target/test-tools/mcp-servers that make test fills) instead of downloading: for hosts without network.
has_pinned_npm_packages() { # $1: an npm prefix
    local spec name have
    while read -r spec; do
        [[ -z "$spec" || "$spec" == \#* ]] && continue
        name="${spec%@*}"
        have="$(node -p "require('$1/node_modules/$name/package.json').version" 2>/dev/null || true)"
        [[ "$have" == "${spec##*@}" ]] || return 1
    done < "$units/npm-packages"
}
install_npm_packages() {
    local dir="$1" specs=()
    mapfile -t specs < <(grep -v '^[[:space:]]*\(#\|$\)' "$units/npm-packages")
    if [[ "${MCP_NPM_INSTALL:-yes}" == no ]]; then
        echo "skipped     npm packages for MCP_COMMAND servers (MCP_NPM_INSTALL=no)"
        return 0
    fi
    if has_pinned_npm_packages "$dir"; then
        echo "kept        $dir (${specs[*]})"
        return 0
    fi
    if [[ -n "${MCP_NPM_FROM:-}" ]]; then
        has_pinned_npm_packages "$MCP_NPM_FROM" || { echo "install-systemd: MCP_NPM_FROM=$MCP_NPM_FROM does not hold ${specs[*]}" >&2; exit 1; }
        install -d -m 0755 "$dir"
        cp -R "$MCP_NPM_FROM/." "$dir/"
        echo "installed   $dir (${specs[*]}, copied from $MCP_NPM_FROM)"
        return 0
    fi
    if ! command -v npm >/dev/null; then
        echo "skipped     $dir: npm not found; servers with MCP_COMMAND need it (apt-get install nodejs npm, then run this again)" >&2
        return 0
    fi
    install -d -m 0755 "$dir"
    [[ -f "$dir/package.json" ]] || echo '{"private": true}' > "$dir/package.json"
    (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --update-notifier=false --loglevel=error --save-exact "${specs[@]}")
    echo "installed   $dir (${specs[*]})"
}

as_user install -d -m 0755 "$user_unit_dir"
as_user install -m 0644 "$units/omnimind-mcp@.service" "$units/omnimind-mcp.target" "$user_unit_dir/"
as_user install -d -m 0700 "$env_dir"
for env_file in "$units"/env/mcp-*.env; do
    name="$(basename "$env_file" .env)"; name="${name#mcp-}"
    if [[ -e "$env_dir/mcp-$name.env" ]]; then
        echo "kept        $env_dir/mcp-$name.env (already there)"
    else
        as_user install -m 0600 "$units/env/mcp-$name.env" "$env_dir/mcp-$name.env"
        echo "installed   $env_dir/mcp-$name.env"
    fi
done
echo "installed   $user_unit_dir/omnimind-mcp@.service"
echo "installed   $user_unit_dir/omnimind-mcp.target"

if [[ $(id -u) -eq 0 ]]; then
    install -d -m 0755 "$opt_dir" "$system_unit_dir"
    if [[ -f "$servers_jar" ]]; then
        install -m 0644 "$servers_jar" "$opt_dir/mcp-servers.jar"
        echo "installed   $opt_dir/mcp-servers.jar"
    else
        echo "missing     $servers_jar: build it first (mvn -B -pl benchmarks/mcp -am package)" >&2
    fi
    if [[ -f "$probe_jar" ]]; then
        install -m 0644 "$probe_jar" "$opt_dir/probe-demo.jar"
        echo "installed   $opt_dir/probe-demo.jar"
    else
        echo "missing     $probe_jar: build it first (make)" >&2
    fi
    install -m 0755 "$units/omnimind-mcp-run" "$opt_dir/omnimind-mcp-run"
    echo "installed   $opt_dir/omnimind-mcp-run"
    install_npm_packages "$opt_dir/node"
    install -m 0644 "$units/omnimind-mcp-probe.service" "$system_unit_dir/"
    echo "installed   $system_unit_dir/omnimind-mcp-probe.service"
    # Whose user units the probe traces: this user's, never a search through every user's slice.
    install -d -m 0755 "$system_unit_dir/omnimind-mcp-probe.service.d"
    printf '[Service]\nEnvironment=PROBE_USER=%s\n' "$target_user" > "$system_unit_dir/omnimind-mcp-probe.service.d/probe-user.conf"
    echo "installed   $system_unit_dir/omnimind-mcp-probe.service.d/probe-user.conf (PROBE_USER=$target_user)"
else
    echo "skipped     /opt/mcp-latency-probe/*.jar and the system unit omnimind-mcp-probe.service: run as root (sudo make install-systemd)"
fi

cat <<EOF

The servers (as $target_user, without sudo):
  systemctl --user daemon-reload
  systemctl --user enable --now omnimind-mcp@thinking.service omnimind-mcp@memory.service
  systemctl --user start omnimind-mcp.target          # all enabled servers at once
  systemctl --user status 'omnimind-mcp@*'
  systemctl --user list-units 'omnimind-mcp*'
  journalctl --user -u omnimind-mcp@thinking.service -f
  ports: $env_dir/mcp-<name>.env (MCP_PORT); endpoints http://127.0.0.1:<port>/mcp
  the official npm servers behind the gateway (examples: mcp-official-*.env; any stdio server with MCP_COMMAND=...):
  systemctl --user enable --now omnimind-mcp@official-thinking.service omnimind-mcp@official-memory.service
  to keep them running after logout: loginctl enable-linger $target_user

The probe (as root):
  systemctl daemon-reload
  systemctl enable --now omnimind-mcp-probe.service
  systemctl status omnimind-mcp-probe.service
  journalctl -u omnimind-mcp-probe.service -f
  reports when it stops: /var/lib/mcp-latency-probe/
EOF
