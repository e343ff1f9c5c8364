#!/bin/sh
# Makes sure Debian's chromium is at /usr/bin/chromium for the browser test (test/browser/), which runs
# it through playwright-core. Silent when it is already there; otherwise installs it from the Debian
# package mirror (root, or passwordless sudo) and fails with one clear line when it cannot.
set -eu

CHROMIUM=/usr/bin/chromium

fail() {
  echo "ensure-chromium: $1" >&2
  exit 1
}

[ -x "$CHROMIUM" ] && exit 0

command -v apt-get >/dev/null 2>&1 ||
  fail "$CHROMIUM is missing and apt-get is not available: install Chromium so that $CHROMIUM exists"

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  fail "$CHROMIUM is missing and installing it needs root: run 'apt-get install -y chromium' as root"
fi

echo "ensure-chromium: installing chromium from the Debian packages (one-time)" >&2
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq >&2 || fail "apt-get update failed: is the Debian package mirror reachable?"
$as_root apt-get install -y -qq --no-install-recommends chromium >&2 ||
  fail "apt-get install chromium failed (see the apt output above)"

[ -x "$CHROMIUM" ] || fail "the chromium package installed, but $CHROMIUM is still missing"
"$CHROMIUM" --version >/dev/null 2>&1 || fail "$CHROMIUM is installed but does not run ('$CHROMIUM --version' failed)"
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null)" >&2
