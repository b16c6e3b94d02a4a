#!/usr/bin/env bash
# linux-arm64 without arm64 hardware (issue 13), on an x86-64 Debian machine:
#   1. the C++ kernel tests (kernels_test, ggml_test, embeddings_test: every kernel set of an AArch64 build, i.e. NEON
#      and scalar, vs each other and the C++ reference / golden files) cross-compiled with g++-aarch64-linux-gnu
#      (cmake/aarch64-linux-gnu.cmake) under AddressSanitizer + UndefinedBehaviorSanitizer, run under qemu-aarch64
#      (LeakSanitizer cannot run under qemu-user: detect_leaks=0);
#   2. quant_native.node cross-built for linux-arm64-gnu (Node-API headers from node-api-headers / node-addon-api, as
#      cmake-js passes them) into the platform package native/npm/linux-arm64-gnu, whose kernels/neon/table.cc object
#      exports nothing but kNeonKernels;
#   4. Debian's arm64 Node 18 (fetch-arm64-node.sh) under qemu-aarch64 runs conformance-arm64.mjs: the conformance
#      checks against @quantkit/quant-native with QUANT_REQUIRE_NATIVE=1, the NEON set asserted.
# Needs the TypeScript packages built (pnpm build) for step 4. Installs g++-aarch64-linux-gnu and qemu-user with
# apt-get when missing (as root or with sudo). Emulated timings are not speed figures.
#
# Environment:
#   QK_ARM64_BUILD_DIR               build directory (default: native/build/arm64, ignored by git)
#   QK_ARM64_NODE_DIR                the arm64 Node folder (default: native/build/arm64-node; cacheable)
#   QK_ARM64_DIFFERENTIAL_ELEMENTS   size of the conformance differential under emulation (default 1000000)
set -euo pipefail

native_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${QK_ARM64_BUILD_DIR:-$native_dir/build/arm64}
node_dir=${QK_ARM64_NODE_DIR:-$native_dir/build/arm64-node}
toolchain=$native_dir/cmake/aarch64-linux-gnu.cmake
sysroot=/usr/aarch64-linux-gnu
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n== check-arm64: %s (%ss)\n' "$*" "$SECONDS"; }
die() { printf 'check-arm64: FAILED: %s\n' "$*" >&2; exit 1; }

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
sudo=()
[ "$(id -u)" = "0" ] || sudo=(sudo)

step "cross toolchain and emulator"
missing=()
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
aarch64-linux-gnu-g++ --version | head -n 1
qemu-aarch64 --version | head -n 1
mkdir -p "$build_dir"

# The arm64 Node downloads while the code compiles (apt-get download takes no dpkg lock).
"$native_dir/scripts/fetch-arm64-node.sh" "$node_dir" >"$build_dir/fetch-node.log" 2>&1 &
fetch_pid=$!
kernels_pid=
# A failure must not leave this script's background jobs running.
trap 'kill ${fetch_pid:-} ${kernels_pid:-} 2>/dev/null || true' EXIT

step "cross-build the kernel tests (ASan + UBSan)"
cmake -S "$native_dir/test" -B "$build_dir/tests" "${generator[@]}" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQK_SANITIZE=ON >"$build_dir/tests.configure.log" 2>&1 ||
  { cat "$build_dir/tests.configure.log"; die "cmake configure (tests)"; }
cmake --build "$build_dir/tests" -j "$jobs" --target kernels_test ggml_test embeddings_test || die "build (tests)"
node "$native_dir/test/ggml_vectors.mjs" "$build_dir/ggml_vectors.bin" || die "ggml_vectors.mjs"

emulate() { qemu-aarch64 -L "$sysroot" "$@"; }
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

step "kernels_test under qemu-aarch64 (NEON and scalar vs the reference, lengths 0..130 and 1000..1030), in the background"
emulate "$build_dir/tests/kernels_test" >"$build_dir/kernels_test.log" 2>&1 &
kernels_pid=$!

step "ggml_test and embeddings_test under qemu-aarch64"
emulate "$build_dir/tests/ggml_test" "$build_dir/ggml_vectors.bin" || die "ggml_test under qemu-aarch64"
emulate "$build_dir/tests/embeddings_test" || die "embeddings_test under qemu-aarch64"

step "cross-build quant_native.node for linux-arm64-gnu"
node_api=$(cd "$native_dir" && node -p "require('node-api-headers').include_dir")
addon_api=$(cd "$native_dir" && node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))")
cmake -S "$native_dir" -B "$build_dir/addon" "${generator[@]}" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_JS_INC=$node_api;$addon_api" >"$build_dir/addon.configure.log" 2>&1 ||
  { cat "$build_dir/addon.configure.log"; die "cmake configure (addon)"; }
cmake --build "$build_dir/addon" -j "$jobs" --target quant_native || die "build (addon)"
cp "$build_dir/addon/quant_native.node" "$native_dir/npm/linux-arm64-gnu/quant_native.node"
echo "copied to native/npm/linux-arm64-gnu/quant_native.node"

step "symbols of kernels/neon/table.cc (the addon's object)"
# Everything but the table has internal linkage (kernels/neon/table.cc says why); checked on the shipped build, as
# check-kernels.sh does for the x86-64 sets (a sanitizer build adds its own symbols).
table_object=$(find "$build_dir/addon" -path '*/kernels/neon/table.cc.o' | head -n 1)
[ -n "$table_object" ] || die "no kernels/neon/table.cc object in $build_dir/addon"
symbols=$(aarch64-linux-gnu-nm -C --defined-only -g "$table_object")
[ "$(printf '%s\n' "$symbols" | sed 's/^.* //')" = "quantkit::kNeonKernels" ] ||
  { echo "$symbols"; die "kernels/neon/table.cc defines external symbols besides kNeonKernels"; }
echo "kernels/neon/table.cc: only quantkit::kNeonKernels is external"

step "waiting for kernels_test"
kernels_status=0
wait "$kernels_pid" || kernels_status=$?
kernels_pid=  # reaped: the EXIT trap must not signal a reused PID
[ "$kernels_status" = 0 ] || { tail -n 40 "$build_dir/kernels_test.log"; die "kernels_test under qemu-aarch64"; }
cat "$build_dir/kernels_test.log"

step "arm64 Node (Debian's nodejs:arm64)"
fetch_status=0
wait "$fetch_pid" || fetch_status=$?
fetch_pid=
[ "$fetch_status" = 0 ] || { cat "$build_dir/fetch-node.log"; die "fetch-arm64-node.sh"; }
cat "$build_dir/fetch-node.log"

step "conformance checks on the arm64 addon under an emulated arm64 Node"
LD_LIBRARY_PATH="$node_dir/usr/lib/aarch64-linux-gnu:$node_dir/lib/aarch64-linux-gnu" \
  qemu-aarch64 -L "$node_dir" "$node_dir/usr/bin/node" "$native_dir/scripts/conformance-arm64.mjs" || die "conformance under emulation"

step "check-arm64: all passed"
