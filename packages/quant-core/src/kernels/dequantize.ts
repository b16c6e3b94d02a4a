import { arrayClass, specialize } from './specialize.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray } from '../types.js';

/*
 * Reference dequantize kernels: out = (q - zeroPoint) * scale, computed in float64 and rounded once to the output
 * array's precision (the store into a Float32Array rounds to nearest even). q - zeroPoint is an exact integer below
 * 2^17, so for a float32 scale the double product is exact and equals a float32 multiply bit for bit.
 */

type RunLoop = (q: IntArray, out: FloatArray, start: number, end: number, scale: number, zeroPoint: number) => void;

const RUN_SOURCE = 'for (let i = start; i < end; i++) out[i] = (q[i] - zeroPoint) * scale;';

/** The run loop for an array pair (one monomorphic instance per pair, see specialize.ts). */
function runLoop(q: IntArray, out: FloatArray): RunLoop {
  return specialize<RunLoop>(`dequantize_${arrayClass(q)}_${arrayClass(out)}`, ['q', 'out', 'start', 'end', 'scale', 'zeroPoint'], RUN_SOURCE);
}

/** Dequantizes q[start, end) with one scale and zero point. */
export function dequantizeRun(q: IntArray, out: FloatArray, start: number, end: number, scale: number, zeroPoint: number): void {
  runLoop(q, out)(q, out, start, end, scale, zeroPoint);
}

type GroupsLoop = (q: IntArray, out: FloatArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number) => void;

/** Element start + i uses scale and zero point g0 + i (per-channel along the last axis, blocks across an inner dim). */
const GROUPS_SOURCE = 'for (let i = 0; i < count; i++) out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];';

function groupsLoop(q: IntArray, out: FloatArray, scales: FloatArray): GroupsLoop {
  const key = `dequantize_groups_${arrayClass(q)}_${arrayClass(out)}_${arrayClass(scales)}`;
  return specialize<GroupsLoop>(key, ['q', 'out', 'start', 'count', 'scales', 'zeroPoints', 'g0'], GROUPS_SOURCE);
}

export function dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void {
  dequantizeRun(q, out, 0, q.length, scale, zeroPoint);
}

export function dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void {
  const { outer, channels, inner } = layout;
  if (inner === 1) {
    const loop = groupsLoop(q, out, scales);
    for (let o = 0; o < outer; o++) loop(q, out, o * channels, channels, scales, zeroPoints, 0);
    return;
  }
  const run = runLoop(q, out);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) run(q, out, start, start + inner, scales[c]!, zeroPoints[c]!);
  }
}

export function dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void {
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  if (inner === 1) {
    const run = runLoop(q, out);
    for (let o = 0, g = 0; o < outer; o++) {
      for (let b = 0; b < blocks; b++, g++) {
        const start = o * dim + b * blockSize;
        run(q, out, start, Math.min(start + blockSize, (o + 1) * dim), scales[g]!, zeroPoints[g]!);
      }
    }
    return;
  }
  const loop = groupsLoop(q, out, scales);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) loop(q, out, start, inner, scales, zeroPoints, (o * blocks + Math.floor(d / blockSize)) * inner);
  }
}
