#!/usr/bin/env bash
# ThreadSanitizer on the addon's thread pool and chunked jobs (issue 13: the proof of their memory ordering that
# emulation cannot give, docs/ARM64.md): builds native/test/tsan_test.cc with binding/thread_pool.cc, binding/jobs.cc,
# binding/embedding_job.cc, binding/ggml_job.cc and the scalar kernel set (plain C++, no Node) under -fsanitize=thread
# and runs it. Any race report or failed check fails the script. Under a minute on 2 cores (compiling is most of it).
#
# Environment:
#   QK_TSAN_BUILD_DIR   build directory (default: native/build/tsan, ignored by git)
#   CXX                 the compiler (default g++; clang++ works too)
set -euo pipefail

native_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${QK_TSAN_BUILD_DIR:-$native_dir/build/tsan}
cxx=${CXX:-g++}
src=$native_dir/src
mkdir -p "$build_dir"

# The same numeric flags as every kernel build (native/test/CMakeLists.txt); -O1 keeps TSan's reports readable.
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -ffp-contract=off -fno-fast-math -Wall -Wextra -Wshadow -fsanitize=thread -pthread -I"$src")
sources=("$native_dir/test/tsan_test.cc" "$src/binding/thread_pool.cc" "$src/binding/jobs.cc" "$src/binding/embedding_job.cc"
  "$src/binding/ggml_job.cc" "$src/layout/granularity.cc" "$src/kernels/scalar/table.cc")

objects=()
pids=()
for s in "${sources[@]}"; do  # two compilers at a time
  o=$build_dir/$(basename "$(dirname "$s")")_$(basename "$s" .cc).o
  objects+=("$o")
  "$cxx" "${flags[@]}" -c "$s" -o "$o" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done
"$cxx" "${flags[@]}" "${objects[@]}" -o "$build_dir/tsan_test"

# halt_on_error: the first race fails the run; second_deadlock_stack: both stacks of a lock-order report.
export TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
status=0
"$build_dir/tsan_test" 2>"$build_dir/stderr.log" || status=$?
if [ "$status" != 0 ] && grep -q "unexpected memory mapping" "$build_dir/stderr.log"; then
  # GCC 12's TSan cannot run with the mmap randomisation of newer kernels (vm.mmap_rnd_bits > 28): again without ASLR.
  echo "check-tsan: TSan's shadow memory clashes with ASLR here; running again under setarch -R"
  status=0
  setarch "$(uname -m)" -R "$build_dir/tsan_test" 2>"$build_dir/stderr.log" || status=$?
fi
cat "$build_dir/stderr.log" >&2
[ "$status" = 0 ] || { echo "check-tsan: FAILED (exit $status)" >&2; exit 1; }
