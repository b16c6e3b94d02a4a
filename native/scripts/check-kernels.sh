#!/usr/bin/env bash
# Checks the native kernels without Node (native/test/CMakeLists.txt):
#   1. kernels_test, optimised build (every kernel set this CPU runs, e.g. scalar and AVX2, vs the reference
#      transcription of the TypeScript kernels)
#   2. kernels_test under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. each kernel set's table.cc (src/kernels/<isa>/table.cc, the one file compiled with that ISA's flags) exports
#      nothing but its kernel table (no weak/inline symbol the linker could share with baseline code)
#   4. the libFuzzer target for QK_FUZZ_SECONDS (default 30) when clang with libFuzzer is available
# Any failure, sanitizer report or fuzzer finding fails the script. Runs in a few minutes on 2 cores.
#
# Environment:
#   QK_BUILD_DIR       build directory (default: native/build/kernels-check, ignored by git)
#   QK_FUZZ_SECONDS    fuzzing time in seconds (default 30; 0 skips fuzzing)
#   QK_INSTALL_CLANG   1: install clang + libFuzzer with apt-get when missing (default: 1 when CI=true and root)
#   CI                 when true, a fuzzer that cannot be built is an error instead of a warning
set -euo pipefail

native_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
test_dir="$native_dir/test"
build_dir=${QK_BUILD_DIR:-$native_dir/build/kernels-check}
fuzz_seconds=${QK_FUZZ_SECONDS:-30}
jobs=$(nproc 2>/dev/null || echo 2)
in_ci=false
[ "${CI:-}" = "true" ] && in_ci=true

step() { printf '\n== check-kernels: %s\n' "$*"; }
die() { printf 'check-kernels: FAILED: %s\n' "$*" >&2; exit 1; }

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

configure_and_build() {  # dir, targets..., -- cmake args...
  local dir=$1; shift
  local targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cmake -S "$test_dir" -B "$dir" "${generator[@]}" "$@" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; die "cmake configure ($dir)"; }
  cmake --build "$dir" -j "$jobs" --target "${targets[@]}" || die "build ($dir)"
}

mkdir -p "$build_dir"

step "kernels_test, optimised ($(c++ --version | head -n 1))"
configure_and_build "$build_dir/release" kernels_test -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$build_dir/release/kernels_test" || die "kernels_test"

step "kernels_test under AddressSanitizer + UndefinedBehaviorSanitizer"
configure_and_build "$build_dir/asan" kernels_test -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQK_SANITIZE=ON
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build_dir/asan/kernels_test" || die "kernels_test under sanitizers"

step "ggml_test: GGML block kernels vs upstream ggml's golden vectors, AVX2 vs scalar (optimised, then sanitizers)"
node "$test_dir/ggml_vectors.mjs" "$build_dir/ggml_vectors.bin" || die "ggml_vectors.mjs"
for variant in release asan; do
  cmake --build "$build_dir/$variant" -j "$jobs" --target ggml_test || die "build ($build_dir/$variant)"
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build_dir/$variant/ggml_test" "$build_dir/ggml_vectors.bin" || die "ggml_test ($variant)"
done

step "embeddings_test: embedding kernels vs the reference's golden file, AVX2 vs scalar (optimised, then sanitizers)"
for variant in release asan; do
  cmake --build "$build_dir/$variant" -j "$jobs" --target embeddings_test || die "build ($build_dir/$variant)"
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build_dir/$variant/embeddings_test" || die "embeddings_test ($variant)"
done

step "symbols of the kernel sets' table.cc objects"
# Everything but the table must have internal linkage: a weak (inline/template) definition compiled with -mavx2 (or
# another ISA's flags) could be picked by the linker for baseline code and crash CPUs without that ISA.
table_objects=$(find "$build_dir/release" -path '*/kernels/*/table.cc.o' | sort)
[ -n "$table_objects" ] || die "no kernels/<isa>/table.cc object in $build_dir/release"
for object in $table_objects; do
  isa=$(basename "$(dirname "$object")")
  symbols=$(nm -C --defined-only -g "$object")
  unexpected=$(printf '%s\n' "$symbols" | grep -v -E '^[0-9a-f]+ [A-Z] quantkit::k[A-Za-z0-9]+Kernels$' || true)
  tables=$(printf '%s\n' "$symbols" | grep -c -E 'quantkit::k[A-Za-z0-9]+Kernels$' || true)
  [ -z "$unexpected" ] || { echo "$unexpected"; die "kernels/$isa/table.cc defines external symbols besides its kernel table"; }
  [ "$tables" = "1" ] || { echo "$symbols"; die "kernels/$isa/table.cc should define exactly one kernel table"; }
  echo "kernels/$isa/table.cc: only $(printf '%s\n' "$symbols" | sed 's/^.* //') is external"
done

if [ "$fuzz_seconds" = "0" ]; then
  step "fuzzing skipped (QK_FUZZ_SECONDS=0)"
  exit 0
fi

step "libFuzzer target (${fuzz_seconds}s)"
find_clang() {
  local c
  for c in clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
    if command -v "$c" >/dev/null 2>&1; then
      # libFuzzer's runtime ships separately on Debian (libclang-rt-N-dev): check that a fuzzer links.
      if echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
        "$c" -x c++ -fsanitize=fuzzer -o "$build_dir/probe-fuzzer" - >/dev/null 2>&1; then
        command -v "$c"
        return 0
      fi
    fi
  done
  return 1
}

clang=$(find_clang || true)
install=${QK_INSTALL_CLANG:-}
if [ -z "$install" ] && $in_ci && [ "$(id -u)" = "0" ]; then install=1; fi
if [ -z "$clang" ] && [ "$install" = "1" ] && command -v apt-get >/dev/null 2>&1; then
  version=$(apt-cache policy clang 2>/dev/null | sed -n 's/^ *Candidate: *1:\([0-9]*\).*/\1/p')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    echo "apt-get update (no clang candidate known yet)"
    apt-get update -qq
    version=$(apt-cache policy clang 2>/dev/null | sed -n 's/^ *Candidate: *1:\([0-9]*\).*/\1/p')
  fi
  packages=(clang)
  [ -n "$version" ] && packages+=("libclang-rt-$version-dev")
  echo "installing ${packages[*]} with apt-get (clang with libFuzzer is needed for the fuzz run)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null ||
    echo "apt-get install failed"
  clang=$(find_clang || true)
fi
if [ -z "$clang" ]; then
  msg="no clang with libFuzzer found (Debian: apt-get install clang libclang-rt-14-dev, or set QK_INSTALL_CLANG=1)"
  $in_ci && die "$msg"
  echo "WARNING: fuzzing skipped: $msg"
  exit 0
fi

configure_and_build "$build_dir/fuzz" fuzz_kernels -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$clang" \
  -DQK_FUZZ=ON -DQK_SANITIZE=ON
mkdir -p "$build_dir/fuzz/corpus" "$build_dir/fuzz/artifacts"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build_dir/fuzz/fuzz_kernels" -max_total_time="$fuzz_seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build_dir/fuzz/artifacts/" "$build_dir/fuzz/corpus" \
  >"$build_dir/fuzz/fuzz.log" 2>&1 || {
    tail -n 40 "$build_dir/fuzz/fuzz.log"
    die "the fuzzer found a difference or a crash; reproducer in $build_dir/fuzz/artifacts/ (run fuzz_kernels FILE)"
  }
grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$build_dir/fuzz/fuzz.log" || true
echo "check-kernels: all passed"
