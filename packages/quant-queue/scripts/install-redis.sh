#!/usr/bin/env bash
# Installs Debian's `redis-server` package, the Redis the quant-queue tests start on a free loopback port of their own
# (test/helpers/redis-server.ts; they never use a system service). Does nothing when /usr/bin/redis-server exists.
# Uses sudo only when not run as root. CI runs it, then the tests with CI=true (a missing server fails them).
set -euo pipefail

SERVER=/usr/bin/redis-server

say() { echo "install-redis: $*"; }

if [ -x "$SERVER" ]; then
  say "$SERVER is already installed: $("$SERVER" --version 2>/dev/null || echo 'version unknown')"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found: this script installs Debian's redis-server package; install a Redis 6.2+ at $SERVER by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  run() { say "running: $*"; "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  run() { say "running: sudo $*"; sudo "$@"; }
else
  say "not root and sudo is not available: run 'apt-get install -y redis-server' as root" >&2
  exit 1
fi

run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server

if [ ! -x "$SERVER" ]; then
  say "apt-get finished but $SERVER is still missing" >&2
  exit 1
fi
say "installed: $("$SERVER" --version 2>/dev/null || echo 'version unknown')"
