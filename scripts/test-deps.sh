#!/usr/bin/env bash
# Test-only components for `make test`, installed under target/test-tools/ (never as a service,
# never on the user's PATH). One function per component; each is a no-op when already there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/target/test-tools"
mkdir -p "$TOOLS"

# Debian's prometheus package, unpacked: the prometheus and promtool binaries, no service, no user.
prometheus() {
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

prometheus
