#!/usr/bin/env bash
# Installs Debian's `redis-server` package, the Redis the quant-queue tests start on a free loopback port of their own
# (test/helpers/redis-server.ts; they never use a system service). Does nothing when /usr/bin/redis-server exists.
# CI runs it, then the tests with CI=true (a missing server fails them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bash "$root/scripts/apt-install.sh" redis-server '[ -x /usr/bin/redis-server ]' redis-server
/usr/bin/redis-server --version 2>/dev/null || true
