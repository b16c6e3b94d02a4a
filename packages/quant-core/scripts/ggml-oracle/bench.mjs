#!/usr/bin/env node
/*
 * Throughput of the TypeScript GGML reference (dist/ggml, so build core first) on the same data as the upstream
 * oracle's --bench:
 *
 *   build/ggml-oracle/driver --bench 1048576 /tmp/ggml-bench.f32    # upstream _ref figures, and writes the data
 *   node scripts/ggml-oracle/bench.mjs /tmp/ggml-bench.f32 [format ...]
 *
 * Prints M elements/s (after a warm-up run, the best of at least 3 runs and 0.6 s) for quantize and dequantize.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const { GGML_FORMAT_NAMES, ggmlDequantizeRows, ggmlQuantizeRows, ggmlRowBytes } = await import(
  new URL('../../dist/ggml/index.js', import.meta.url).href
);

const [file, ...formats] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench.mjs DATA.f32 [format ...]');
  process.exit(2);
}
const bytes = readFileSync(file);
const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const y = new Float32Array(x.length);

function best(fn) {
  fn(); // warm-up: the first run compiles
  let t = Infinity;
  const end = performance.now() + 600;
  for (let runs = 0; runs < 3 || performance.now() < end; runs++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return x.length / t / 1e3; // M elements/s
}

console.log(`TypeScript reference, node ${process.version}, ${x.length} float32 elements (M elements/s, best run)`);
for (const format of formats.length ? formats : GGML_FORMAT_NAMES) {
  const q = new Uint8Array(ggmlRowBytes(format, x.length));
  const quantize = best(() => ggmlQuantizeRows(x, format, q));
  const dequantize = best(() => ggmlDequantizeRows(q, format, y));
  console.log(`${format.padEnd(5)} quantize ${quantize.toFixed(1).padStart(8)}   dequantize ${dequantize.toFixed(1).padStart(8)}`);
}
