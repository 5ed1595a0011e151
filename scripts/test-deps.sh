#!/usr/bin/env bash
# Test-only components for `make test` (called before `mvn verify`), one function per component, each
# a no-op when already there. Installed under target/test-tools/ where possible (never as a service,
# never on the user's PATH); apt-get only where unavoidable (chromium), and only as root. What is
# missing makes its tests skip on a developer's machine and fail in CI (CI=true).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="$ROOT/target/test-tools"
mkdir -p "$TOOLS"

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

deps_chromium
deps_prometheus
