#!/usr/bin/env bash
# Installs what native/wasm/build.mjs needs to build quant_kernels.wasm (`pnpm build` runs it): Debian's clang (with
# its wasm32 target and freestanding headers) and lld (wasm-ld). Does nothing when both are on PATH. CI runs it before
# `pnpm install`; users of the published package never need it (the .wasm ships inside @quantkit/quant-wasm).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bash "$root/scripts/apt-install.sh" 'clang + lld' \
  '{ command -v clang || command -v clang-14; } && { command -v wasm-ld || command -v wasm-ld-14; }' clang lld
