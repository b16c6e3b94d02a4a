/*
 * Bundled for the browser by browser-rows.ts (rolldown): the wasm backend and the reference timed inside the page,
 * on the rows of node-rows.ts. No Node built-in.
 */
import { referenceBackend, type Backend } from '@quantkit/quant-core';
import { createWasmBackend, loadWasmModule } from '@quantkit/quant-wasm';
import type { WasmRow } from './results.js';

const U8 = { qmin: 0, qmax: 255, profile: 'onnx' } as const;
const SCALE = Math.fround(6 / 255);
const ZERO_POINT = 128;

function data(n: number): Float32Array {
  let s = 42;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 4294967296 - 0.5) * 6;
  }
  return x;
}

/** Median elements per second of `reps` repetitions of calls lasting about minMs each. */
function rate(n: number, run: () => unknown, minMs: number, reps: number): number {
  let calls = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) run();
    if (performance.now() - t >= minMs / 2) break;
    calls *= 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) run();
    samples.push((performance.now() - t) / calls);
  }
  samples.sort((a, b) => a - b);
  return n / (samples[Math.floor(samples.length / 2)]! / 1000);
}

export async function measureBrowser(wasmUrl: string, minMs: number, reps: number): Promise<WasmRow[]> {
  const wasm = createWasmBackend({ module: await loadWasmModule(wasmUrl) });
  const rows: WasmRow[] = [];
  for (const [id, kind, n] of [
    ["quantize f32 → u8, 256K, 'onnx'", 'quantize', 256 * 1024],
    ["quantize f32 → u8, 16M, 'onnx'", 'quantize', 16 << 20],
    ['dequantize u8 → f32, 16M', 'dequantize', 16 << 20],
  ] as const) {
    const x = data(n);
    const q = new Uint8Array(n);
    referenceBackend.quantizeTensor(x, SCALE, ZERO_POINT, U8, q);
    const floats = new Float32Array(n);
    const zx = wasm.memory.allocate(Float32Array, n);
    const zq = wasm.memory.allocate(Uint8Array, n);
    zx.array.set(x);
    zq.array.set(q);
    const call = (b: Backend, a: Float32Array | Uint8Array, out: Float32Array | Uint8Array) => () =>
      kind === 'quantize' ? b.quantizeTensor(a as Float32Array, SCALE, ZERO_POINT, U8, out as Uint8Array) : b.dequantizeTensor(a as Uint8Array, SCALE, ZERO_POINT, out as Float32Array);
    const [input, output] = kind === 'quantize' ? [x, new Uint8Array(n)] : [q, floats];
    rows.push({
      id,
      elements: n,
      rates: {
        reference: rate(n, call(referenceBackend, input, output), minMs, reps),
        wasm: rate(n, call(wasm, input, output), minMs, reps),
        'wasm-zero-copy': rate(n, kind === 'quantize' ? call(wasm, zx.array, zq.array) : call(wasm, zq.array, zx.array), minMs, reps),
      },
    });
    wasm.memory.reset();
  }
  return rows;
}
