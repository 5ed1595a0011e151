#!/usr/bin/env bash
# Test-only components for `make test` (called before `mvn verify`), one function per component, each
# a no-op when already there. Installed under target/test-tools/ where possible (never as a service,
# never on the user's PATH); apt-get only where unavoidable (chromium), and only as root. What is
# missing makes its tests skip on a developer's machine and fail in CI (CI=true).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/target/test-tools"
# Runs a command as the user behind sudo (who owns the checkout), else as whoever runs this.
as_user() {
    if [[ $(id -u) -eq 0 && -n "${SUDO_USER:-}" && "$SUDO_USER" != root ]]; then
        runuser -u "$SUDO_USER" -- "$@"
    else
        "$@"
    fi
}

as_user mkdir -p "$TOOLS"

# Headless Chromium opens the HTML report in HtmlReportIT. Debian's package: apt-get is unavoidable.
deps_chromium() {
  if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: chromium is missing (sudo apt-get install chromium); the HTML report test needs it" >&2
    return 0
  fi
  echo "test-deps: installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } ||
    echo "test-deps: apt-get could not install chromium" >&2
}


# Debian's prometheus package, unpacked: the prometheus and promtool binaries, no service, no user.
deps_prometheus() {
    local dest="$TOOLS/prometheus"
    if [ -x "$dest/usr/bin/prometheus" ] && [ -x "$dest/usr/bin/promtool" ]; then
        return 0
    fi
    if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
        echo "test-deps: prometheus: needs apt-get and dpkg-deb (Debian/Ubuntu); the Prometheus tests will be skipped (fail with CI=true)" >&2
        return 0
    fi
    local tmp
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download -qq prometheus >/dev/null 2>&1); then
        # The package lists may be missing on a fresh machine.
        if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null; fi
        (cd "$tmp" && apt-get download -qq prometheus >/dev/null) || {
            rm -rf "$tmp"
            echo "test-deps: prometheus: apt-get download prometheus failed" >&2
            return 1
        }
    fi
    rm -rf "$dest"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$dest"
    rm -rf "$tmp"
    echo "test-deps: prometheus $("$dest/usr/bin/prometheus" --version 2>&1 | head -1 | awk '{print $3}') in $dest"
}


# Debian 12's nodejs (18.20) and npm, as root, when missing: nothing else supplies node.
ensure_npm() {
    command -v npm >/dev/null && command -v node >/dev/null && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "test-deps: installing nodejs and npm with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
    fi
    command -v npm >/dev/null && command -v node >/dev/null
}

# npm_pinned DIR PACKAGE@VERSION...: installs into DIR/node_modules unless those versions are there.
npm_pinned() {
    local dir="$1"; shift
    local spec name version have missing=0
    for spec in "$@"; do
        name="${spec%@*}"; version="${spec##*@}"
        have="$(node -p "require('$dir/node_modules/$name/package.json').version" 2>/dev/null || true)"
        [[ "$have" == "$version" ]] || missing=1
    done
    [[ $missing == 1 ]] || return 0
    as_user mkdir -p "$dir"
    # A package.json of our own, so npm installs here and not into a parent project.
    [[ -f "$dir/package.json" ]] || as_user sh -c "echo '{\"private\": true}' > '$dir/package.json'"
    echo "test-deps: npm install $* into $dir"
    (cd "$dir" && as_user npm install --ignore-scripts --no-audit --no-fund --update-notifier=false --loglevel=error --save-exact "$@")
}

# The official MCP reference servers the stress test drives over stdio (McpOfficialServersTest)
# and the stdio-to-HTTP gateway the systemd template runs them behind (GatewayEnvFilesTest): the
# pinned list the install script uses too, systemd/npm-packages.
mcp_servers() {
    if ! ensure_npm; then
        echo "test-deps: node and npm are missing: the official MCP server tests will skip (fail with CI=true)" >&2
        return 0
    fi
    local specs
    mapfile -t specs < <(grep -v '^[[:space:]]*\(#\|$\)' "$ROOT/systemd/npm-packages")
    npm_pinned "$TOOLS/mcp-servers" "${specs[@]}"
}

deps_chromium
deps_prometheus
mcp_servers
