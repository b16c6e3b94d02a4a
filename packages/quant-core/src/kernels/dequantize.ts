import { dequantizeGroupsLoopFor, dequantizeRunLoopFor } from './generated/loops.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray } from '../types.js';

/*
 * Reference dequantize kernels: out = (q - zeroPoint) * scale, computed in float64 and rounded once to the output
 * array's precision (the store into a Float32Array rounds to nearest even). q - zeroPoint is an exact integer below
 * 2^17, so for a float32 scale the double product is exact and equals a float32 multiply bit for bit.
 *
 * The loops are written once, in loops.ts (dequantizeRunLoop, dequantizeGroupsLoop); this file walks the layouts and
 * calls the copy made for its array classes (generated/loops.ts), chosen once per kernel call.
 */

/** Dequantizes q[start, end) with one scale and zero point. */
export function dequantizeRun(q: IntArray, out: FloatArray, start: number, end: number, scale: number, zeroPoint: number): void {
  dequantizeRunLoopFor(q, out)(q, out, start, end, scale, zeroPoint);
}

export function dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void {
  dequantizeRun(q, out, 0, q.length, scale, zeroPoint);
}

export function dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void {
  // An empty tensor has nothing to walk; its layout may still multiply a huge dimension by 0 (work is bounded by the data).
  if (q.length === 0) return;
  const { outer, channels, inner } = layout;
  if (inner === 1) {
    const loop = dequantizeGroupsLoopFor(q, out, scales);
    for (let o = 0; o < outer; o++) loop(q, out, o * channels, channels, scales, zeroPoints, 0);
    return;
  }
  const run = dequantizeRunLoopFor(q, out);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) run(q, out, start, start + inner, scales[c]!, zeroPoints[c]!);
  }
}

export function dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void {
  if (q.length === 0) return;
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  if (inner === 1) {
    const run = dequantizeRunLoopFor(q, out);
    for (let o = 0, g = 0; o < outer; o++) {
      for (let b = 0; b < blocks; b++, g++) {
        const start = o * dim + b * blockSize;
        run(q, out, start, Math.min(start + blockSize, (o + 1) * dim), scales[g]!, zeroPoints[g]!);
      }
    }
    return;
  }
  const loop = dequantizeGroupsLoopFor(q, out, scales);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) loop(q, out, start, inner, scales, zeroPoints, (o * blocks + Math.floor(d / blockSize)) * inner);
  }
}
