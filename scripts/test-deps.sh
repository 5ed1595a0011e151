#!/usr/bin/env bash
# Installs the components the tests run against (real browser, ...), each in its own function.
# Called by 'make test' before 'mvn verify'. Without root, it only says what is missing: the tests
# that need it are skipped on a developer's machine and fail in CI (CI=true).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/target/test-tools"

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

deps_chromium
