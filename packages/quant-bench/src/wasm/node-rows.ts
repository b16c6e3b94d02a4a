import { referenceBackend, type Backend, type KernelSpec } from '@quantkit/quant-core';
import type { WasmBackend } from '@quantkit/quant-wasm';
import { benchInput } from '../data.js';
import { measureInterleaved, type MeasureOptions, type Timed } from '../measure.js';
import type { WasmRow } from './results.js';

/*
 * The Node.js rows: quantize f32 → u8 in the 'onnx' profile and dequantize u8 → f32, per tensor, on the reference,
 * native AVX2 (one thread), the wasm backend with its copies through linear memory, and the wasm backend on arrays
 * allocated inside its memory (zero-copy), timed interleaved (measure.ts) so that load changes hit every column alike.
 */

export const U8: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };
/** A float32 scale and zero point covering the bench data's range (-3, 3). */
export const SCALE = Math.fround(6 / 255);
export const ZERO_POINT = 128;

export interface Columns {
  readonly native?: Backend;
  readonly wasm: WasmBackend;
}

type Kernel = 'quantize' | 'dequantize';

function timed(kind: Kernel, n: number, c: Columns, withReference: boolean): { ids: string[]; timed: Timed[]; release: () => void } {
  const x = benchInput(n);
  const q = new Uint8Array(n);
  referenceBackend.quantizeTensor(x, SCALE, ZERO_POINT, U8, q);
  const codes = new Uint8Array(n);
  const floats = new Float32Array(n);
  const zx = c.wasm.memory.allocate(Float32Array, n);
  const zq = c.wasm.memory.allocate(Uint8Array, n);
  zx.array.set(x);
  zq.array.set(q);
  const run = (b: Backend, from: Float32Array | Uint8Array, to: Float32Array | Uint8Array) =>
    kind === 'quantize' ? () => b.quantizeTensor(from as Float32Array, SCALE, ZERO_POINT, U8, to as Uint8Array) : () => b.dequantizeTensor(from as Uint8Array, SCALE, ZERO_POINT, to as Float32Array);
  const [input, output] = kind === 'quantize' ? [x, codes] : [q, floats];
  const ids: string[] = [];
  const list: Timed[] = [];
  const add = (id: string, f: () => unknown): void => {
    ids.push(id);
    list.push({ elements: n, run: f });
  };
  if (withReference) add('reference', run(referenceBackend, input, output));
  if (c.native !== undefined) add('native-avx2', run(c.native, input, output));
  add('wasm', run(c.wasm, input, output));
  // The zero-copy views are fetched on every call (cheap), so a memory growth in between can never detach them.
  const zero = kind === 'quantize' ? () => c.wasm.quantizeTensor(zx.array, SCALE, ZERO_POINT, U8, zq.array) : () => c.wasm.dequantizeTensor(zq.array, SCALE, ZERO_POINT, zx.array);
  add('wasm-zero-copy', zero);
  return { ids, timed: list, release: () => c.wasm.memory.free(zx) };
}

export async function nodeRows(c: Columns, options: MeasureOptions, log: (s: string) => void): Promise<WasmRow[]> {
  const plan: [string, Kernel, number, boolean][] = [
    ["quantize f32 → u8, 256K, 'onnx'", 'quantize', 256 * 1024, true],
    ["quantize f32 → u8, 16M, 'onnx'", 'quantize', 16 << 20, true],
    ['dequantize u8 → f32, 16M', 'dequantize', 16 << 20, true],
  ];
  const rows: WasmRow[] = [];
  for (const [id, kind, n, withReference] of plan) {
    log(id);
    const t = timed(kind, n, c, withReference);
    try {
      const m = await measureInterleaved(t.timed, options);
      rows.push({ id, elements: n, rates: Object.fromEntries(t.ids.map((col, i) => [col, m[i]!.elementsPerSecond])) });
    } finally {
      t.release();
    }
  }
  return rows;
}

/** Microseconds per 20-element quantize call on the reference and on the wasm backend (no routing). */
export async function call20(c: Columns, options: MeasureOptions): Promise<Record<string, number>> {
  const x = benchInput(20);
  const out = new Uint8Array(20);
  const list: [string, Backend][] = [['reference', referenceBackend], ['wasm', c.wasm], ...(c.native !== undefined ? [['native-avx2', c.native] as [string, Backend]] : [])];
  const m = await measureInterleaved(list.map(([, b]) => ({ elements: 20, run: () => b.quantizeTensor(x, SCALE, ZERO_POINT, U8, out) })), options);
  return Object.fromEntries(list.map(([id], i) => [id, m[i]!.secondsPerCall * 1e6]));
}
