#!/usr/bin/env bash
# Fetches Debian's arm64 Node.js (18.x, Node-API 9) and the arm64 libraries it needs into one folder, without
# installing anything over the host's Node: arm64 is added as a foreign dpkg architecture, the packages are
# `apt-get download`ed and unpacked with `dpkg -x`. Run it under emulation with
#   LD_LIBRARY_PATH=$DIR/usr/lib/aarch64-linux-gnu:$DIR/lib/aarch64-linux-gnu qemu-aarch64 -L $DIR $DIR/usr/bin/node
# (native/scripts/check-arm64.sh does). The folder is reused when it already holds a node binary, so CI can cache it.
#
# Usage: fetch-arm64-node.sh [DIR]   (default: native/build/arm64-node, ignored by git)
set -euo pipefail

native_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$native_dir/build/arm64-node}

if [ -x "$dest/usr/bin/node" ]; then
  echo "fetch-arm64-node: using $dest (already there)"
  exit 0
fi

sudo=()
[ "$(id -u)" = "0" ] || sudo=(sudo)

# The Debian packages of the arm64 Node and everything it links (ldd of usr/bin/node and libnode.so.108), plus the
# arch-independent JavaScript it loads at start-up.
packages=(nodejs:arm64 libnode108:arm64 libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libuv1:arm64 libssl3:arm64
  libicu72:arm64 libnghttp2-14:arm64 libc-ares2:arm64 libbrotli1:arm64 zlib1g:arm64
  node-cjs-module-lexer node-acorn node-undici)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "fetch-arm64-node: dpkg --add-architecture arm64"
  "${sudo[@]}" dpkg --add-architecture arm64
fi
if ! apt-cache show nodejs:arm64 >/dev/null 2>&1; then
  echo "fetch-arm64-node: apt-get update (arm64 package lists)"
  "${sudo[@]}" apt-get update -qq
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq -o APT::Sandbox::User=root "${packages[@]}")
mkdir -p "$work/root"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
[ -x "$work/root/usr/bin/node" ] || { echo "fetch-arm64-node: no usr/bin/node in the nodejs:arm64 package" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/root" "$dest"
echo "fetch-arm64-node: $(ls "$work"/*.deb | wc -l) packages unpacked into $dest"
