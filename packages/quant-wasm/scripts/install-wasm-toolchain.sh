#!/usr/bin/env bash
# Installs what native/wasm/build.mjs needs to build quant_kernels.wasm (`pnpm build` runs it): Debian's clang (with
# its wasm32 target and freestanding headers) and lld (wasm-ld). Does nothing when both are on PATH. Uses sudo only
# when not run as root. CI runs it before `pnpm install`; users of the published package never need it (the .wasm
# ships inside @quantkit/quant-wasm).
set -euo pipefail

say() { echo "install-wasm-toolchain: $*"; }

have() { command -v "$1" >/dev/null 2>&1; }

if { have clang || have clang-14; } && { have wasm-ld || have wasm-ld-14; }; then
  say "clang and wasm-ld are already installed: $( (clang --version || clang-14 --version) 2>/dev/null | head -1)"
  exit 0
fi

if ! have apt-get; then
  say "apt-get not found: install clang and lld (wasm-ld) with your package manager" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  run() { say "running: $*"; "$@"; }
elif have sudo; then
  run() { say "running: sudo $*"; sudo "$@"; }
else
  say "not root and sudo is not available: run 'apt-get install -y clang lld' as root" >&2
  exit 1
fi

run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang lld

if ! { have clang || have clang-14; } || ! { have wasm-ld || have wasm-ld-14; }; then
  say "apt-get finished but clang or wasm-ld is still missing" >&2
  exit 1
fi
say "installed: $(clang --version 2>/dev/null | head -1), $(wasm-ld --version 2>/dev/null | head -1)"
