#!/usr/bin/env bash
# Under sudo: hands the files that root created inside DIR (the checkout) back to the user who ran
# sudo, so that a later 'make' or 'mvn' as that user can overwrite them. Symbolic links are changed
# themselves, never followed, and other filesystems are not entered. Otherwise it does nothing.
set -euo pipefail
dir=${1:?usage: give-back.sh DIR}
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
  find "$dir" -xdev -uid 0 -exec chown -h "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" {} +
fi
