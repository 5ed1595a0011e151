#!/usr/bin/env bash
# Runs a command as the user who ran sudo, with that user's HOME, so that what it writes (target/,
# probe-demo.jar, ~/.m2) stays theirs. Run by plain root or by a user, it runs the command as is.
set -euo pipefail
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
  home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
  exec runuser -u "$SUDO_USER" -- env HOME="${home:-/}" USER="$SUDO_USER" LOGNAME="$SUDO_USER" "$@"
fi
exec "$@"
