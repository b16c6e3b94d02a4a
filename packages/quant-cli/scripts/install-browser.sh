#!/usr/bin/env bash
# Installs Debian's `chromium` package, the browser test/report-browser.test.ts renders `quant report` pages in
# (through playwright-core, which downloads no browser of its own). Does nothing when /usr/bin/chromium exists.
# Uses sudo only when not run as root. CI runs it, then the tests with QUANT_REQUIRE_BROWSER=1.
set -euo pipefail

BROWSER=/usr/bin/chromium

say() { echo "install-browser: $*"; }

if [ -x "$BROWSER" ]; then
  say "$BROWSER is already installed: $("$BROWSER" --version 2>/dev/null || echo 'version unknown')"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found: this script installs Debian's chromium package; install a Chromium at $BROWSER by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  run() { say "running: $*"; "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  run() { say "running: sudo $*"; sudo "$@"; }
else
  say "not root and sudo is not available: run 'apt-get install -y chromium' as root" >&2
  exit 1
fi

run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

if [ ! -x "$BROWSER" ]; then
  say "apt-get finished but $BROWSER is still missing" >&2
  exit 1
fi
say "installed: $("$BROWSER" --version 2>/dev/null || echo 'version unknown')"
