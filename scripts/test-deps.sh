#!/usr/bin/env bash
# Installs the test-only components into <repo>/target/test-tools/ (called by 'make test' before
# 'mvn verify'). Each component has its own function and its own call line below.
# npm packages: pinned versions, --ignore-scripts, run as $SUDO_USER when under sudo.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/target/test-tools
mkdir -p "$tools"

as_user() { # runs "$@" as the user who ran sudo, if any, so target/ stays theirs
  if [ -n "${SUDO_USER:-}" ] && [ "$(id -u)" = 0 ]; then runuser -u "$SUDO_USER" -- "$@"; else "$@"; fi
}

npm_package() { # $1 package@version; installs into target/test-tools/npm unless there already
  local spec=$1 name=${1%@*} dir=$tools/npm
  if [ -f "$dir/node_modules/$name/package.json" ] &&
     grep -q "\"version\": \"${spec##*@}\"" "$dir/node_modules/$name/package.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # Debian's own nodejs (18 on Debian 12) runs the pinned servers.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; } || true
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "test-deps: npm is missing (sudo apt-get install nodejs npm): the MCP server tests need $spec" >&2
    return 0 # the tests that need it fail under CI=true and are skipped otherwise
  fi
  [ -n "${SUDO_USER:-}" ] && chown "$SUDO_USER" "$tools" 2>/dev/null || true
  as_user mkdir -p "$dir"
  as_user npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts --silent "$spec" >/dev/null
}

# The official MCP memory server (stdio), for the --mcp tests.
server_memory() {
  npm_package @modelcontextprotocol/server-memory@2026.8.31
}

server_memory
