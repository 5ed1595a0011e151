#!/usr/bin/env bash
# Installs the test-only components `make test` drives (real servers, real tools) into
# <repo>/target/test-tools/, one shell function per component. npm packages are pinned and
# installed with --ignore-scripts, as the user behind sudo when run with sudo (so target/ stays
# theirs). Nothing here is installed system-wide except what no other source provides.
#
# usage: scripts/test-deps.sh        (make test runs it before mvn verify)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$here/target/test-tools"

# Runs a command as the user behind sudo (who owns the checkout), else as whoever runs this.
as_user() {
    if [[ $(id -u) -eq 0 && -n "${SUDO_USER:-}" && "$SUDO_USER" != root ]]; then
        runuser -u "$SUDO_USER" -- "$@"
    else
        "$@"
    fi
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
    mapfile -t specs < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/systemd/npm-packages")
    npm_pinned "$tools/mcp-servers" "${specs[@]}"
}

mcp_servers
