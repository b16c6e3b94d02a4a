#!/usr/bin/env bash
# Installs Debian packages a build or test step needs, the one way every install script here does it:
#   bash scripts/apt-install.sh [--with-recommends] <name> "<test that succeeds once installed>" <package>...
# Does nothing when the test already succeeds; otherwise apt-get update + install (--no-install-recommends unless
# --with-recommends; as root, or through sudo when not root), then runs the test again and fails with a message when
# it still does not succeed.
# Example: bash scripts/apt-install.sh redis-server '[ -x /usr/bin/redis-server ]' redis-server
set -euo pipefail

recommends=(--no-install-recommends)
if [ "${1:-}" = "--with-recommends" ]; then
  recommends=()
  shift
fi
if [ "$#" -lt 3 ]; then
  echo "usage: apt-install.sh <name> <test command> <package>..." >&2
  exit 2
fi
name=$1
test_command=$2
shift 2

say() { echo "install $name: $*"; }

if bash -c "$test_command" >/dev/null 2>&1; then
  say "already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found: install the Debian package(s) $* (or their equivalent) by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  run() { say "running: $*"; "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  run() { say "running: sudo $*"; sudo "$@"; }
else
  say "not root and sudo is not available: run 'apt-get install -y $*' as root" >&2
  exit 1
fi

run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${recommends[@]}" "$@"

if ! bash -c "$test_command" >/dev/null 2>&1; then
  say "apt-get finished but the check still fails: $test_command" >&2
  exit 1
fi
say "installed $*"
