import { Rng } from '@quantkit/quant-conformance/random';
import { bf16ToNumber, bytesOf, halfToNumber, writeSafetensorsSpec } from './spec-files.js';

/** Uniform in [0, 1) from the conformance suite's seeded generator, so every run tests the same data. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

export function randomF32(n: number, seed: number, scale = 4): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/**
 * Writes a safetensors file of `count` random float32 tensors `layer0`, `layer1`, ... of shape `[rows, cols]` (seeds
 * 1, 2, ...): an input whose writing takes one step per tensor. Returns `path`.
 */
export function writeRandomLayers(path: string, count: number, [rows, cols]: readonly [number, number]): string {
  writeSafetensorsSpec(
    path,
    Array.from({ length: count }, (_, i) => ({ name: `layer${i}`, dtype: 'F32', shape: [rows, cols], bytes: bytesOf(randomF32(rows * cols, i + 1)) })),
  );
  return path;
}

export function randomF64(n: number, seed: number, scale = 4): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => (r() * 2 - 1) * scale + r() * 1e-9);
}

/** Random finite half bit patterns (normals and subnormals of both signs). */
export function randomHalfBits(n: number, seed: number): Uint16Array {
  const r = rng(seed);
  return Uint16Array.from({ length: n }, () => {
    const exp = Math.floor(r() * 31); // 0..30: never Inf/NaN
    return (r() < 0.5 ? 0x8000 : 0) | (exp << 10) | Math.floor(r() * 1024);
  });
}

/** Random bfloat16 bit patterns of moderate magnitude. */
export function randomBf16Bits(n: number, seed: number): Uint16Array {
  const r = rng(seed);
  return Uint16Array.from({ length: n }, () => (r() < 0.5 ? 0x8000 : 0) | ((120 + Math.floor(r() * 12)) << 7) | Math.floor(r() * 128));
}

export function halvesToF32(bits: Uint16Array): Float32Array {
  return Float32Array.from(bits, halfToNumber);
}

export function bf16ToF32(bits: Uint16Array): Float32Array {
  return Float32Array.from(bits, bf16ToNumber);
}

/** Bitwise equality of two typed arrays (NaN payloads and -0 included). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
