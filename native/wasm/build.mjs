#!/usr/bin/env node
/**
 * Builds quant_kernels.wasm: the scalar kernel set, the SIMD128 set (native/src/kernels/simd128/), the granularity
 * drivers (native/src/layout/) and the module's entries (src/), compiled for wasm32 by clang and linked by wasm-ld,
 * without a C or C++ library (the freestanding headers of include/ stand in for the few the shared sources name).
 *
 *   node native/wasm/build.mjs <out.wasm>
 *
 * Tools: $QUANT_WASM_CLANG (default clang, else clang-14) and wasm-ld (wasm-ld, else wasm-ld-14) on PATH; Debian's
 * clang + lld packages (scripts/install-wasm-toolchain.sh in packages/quant-wasm installs them in CI).
 * -ffp-contract=off: no fused multiply-add (WebAssembly has none implicitly, but clang could form relaxed ones);
 * every +, -, *, / is one IEEE operation, as in the native builds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../src');
const out = resolve(process.argv[2] ?? join(here, 'quant_kernels.wasm'));

/** The sources, each one translation unit (the SIMD128 table is the only one whose code is hand-vectorised). */
export const SOURCES = [
  join(src, 'kernels/scalar/table.cc'),
  join(src, 'kernels/simd128/table.cc'),
  join(src, 'layout/granularity.cc'),
  join(here, 'src/entries.cc'),
  join(here, 'src/arena.cc'),
];

const CXXFLAGS = [
  '--target=wasm32-unknown-unknown',
  '-std=c++20',
  '-O3',
  '-msimd128',
  '-mbulk-memory',
  '-mnontrapping-fptoint',
  '-msign-ext',
  '-ffp-contract=off',
  '-ffreestanding',
  '-fno-exceptions',
  '-fno-rtti',
  '-fno-threadsafe-statics',
  '-nostdlib',
  '-nostdinc++',
  '-isystem',
  join(here, 'include'),
  '-Wall',
  '-Wextra',
  '-Werror',
];

const LDFLAGS = ['--no-entry', '--strip-all', '--gc-sections', '-z', 'stack-size=1048576', '--initial-memory=4194304', '--max-memory=4294967296'];

function find(names) {
  for (const name of names) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return name;
  }
  throw new Error(`none of ${names.join(', ')} is on PATH: install clang and lld (packages/quant-wasm/scripts/install-wasm-toolchain.sh)`);
}

function run(tool, args) {
  const r = spawnSync(tool, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${tool} failed (exit ${r.status ?? r.signal})`);
}

const clang = process.env['QUANT_WASM_CLANG'] ?? find(['clang', 'clang-14']);
const wasmLd = find(['wasm-ld', 'wasm-ld-14']);
const tmp = mkdtempSync(join(tmpdir(), 'quant-wasm-'));
try {
  const objects = SOURCES.map((file, i) => {
    const obj = join(tmp, `${i}.o`);
    run(clang, [...CXXFLAGS, '-c', file, '-o', obj]);
    return obj;
  });
  mkdirSync(dirname(out), { recursive: true });
  run(wasmLd, [...LDFLAGS, ...objects, '-o', out]);
  console.log(`quant-wasm: ${out} (${statSync(out).size} bytes)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
