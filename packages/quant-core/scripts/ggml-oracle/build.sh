#!/usr/bin/env bash
# Builds the GGML golden-vector oracle from an upstream ggml tree and, unless told otherwise, writes the vectors.
#
#   scripts/ggml-oracle/build.sh GGML [--no-vectors]
#
# GGML is either a checkout of https://github.com/ggml-org/ggml (a directory holding src/ggml-quants.c) or a bare git
# directory of it (its HEAD is exported to a temporary directory). The commit is taken from git when GGML is a git
# directory or a checkout, else from $GGML_COMMIT. Upstream source is only read: nothing of it is copied here.
# Output: build/ggml-oracle/driver and driver-asserts (git-ignored), test/vectors/ggml/<format>.json, and the list of
# cases that abort with upstream's assertions on (build/ggml-oracle/assert-scan.txt).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$here/../.." && pwd)"
src="${1:?usage: build.sh GGML_TREE_OR_GIT_DIR [--no-vectors]}"
out="$pkg/build/ggml-oracle"
mkdir -p "$out"

commit="${GGML_COMMIT:-}"
if [[ -f "$src/src/ggml-quants.c" ]]; then
  tree="$src"
  [[ -z "$commit" ]] && commit="$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
else
  tree="$out/ggml-src"
  rm -rf "$tree" && mkdir -p "$tree"
  git --git-dir="$src" archive HEAD src include | tar -x -C "$tree"
  [[ -z "$commit" ]] && commit="$(git --git-dir="$src" rev-parse HEAD)"
fi

# No -march (baseline x86-64: SSE2 only), no FMA contraction, assertions off as in upstream's CMake Release build.
flags="-std=c11 -O2 -ffp-contract=off -DNDEBUG"
inc=(-I"$tree/include" -I"$tree/src")
cc="${CC:-gcc}"

build() { # NAME FLAGS...: ggml-quants.c and the driver with these flags
  local name="$1"; shift
  "$cc" "$@" "${inc[@]}" -c "$tree/src/ggml-quants.c" -o "$out/ggml-quants-$name.o"
  "$cc" "$@" "${inc[@]}" \
    -DGGML_REPO='"github.com/ggml-org/ggml"' -DGGML_COMMIT="\"$commit\"" -DORACLE_CFLAGS="\"$*\"" \
    -c "$here/driver.c" -o "$out/driver-$name.o"
  "$cc" "$out/driver-$name.o" "$out/ggml-quants-$name.o" -lm -o "$out/$name"
}
build driver $flags
build driver-asserts ${flags/ -DNDEBUG/} # the same with upstream's assert()s on, for --assert-scan
echo "built $out/driver ($("$cc" --version | head -1); $flags; ggml $commit)"

if [[ "${2:-}" != "--no-vectors" ]]; then
  mkdir -p "$pkg/test/vectors/ggml"
  "$out/driver" "$pkg/test/vectors/ggml"
  "$out/driver-asserts" --assert-scan | tee "$out/assert-scan.txt"
fi
