import { quantizeGroupsLoopFor, quantizeRunLoopFor } from './generated/loops.js';
import type { CodeArray } from './loops.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray, KernelSpec } from '../types.js';

/*
 * Reference quantize kernels: the contract every other backend reproduces bit for bit.
 *
 *   q = saturate(roundHalfEven(t) + zeroPoint, qmin, qmax)
 *   t = fl(x / fl(scale))          profile 'onnx'    (a true division, like ONNX QuantizeLinear and onnxruntime)
 *   t = fl(x * fl(1 / fl(scale)))  profile 'pytorch' (reciprocal multiply, like torch.quantize_per_tensor)
 *
 * The arithmetic is written once, in loops.ts (quantizeRunLoop: one scale for a run of elements; quantizeGroupsLoop:
 * one scale per element). This file only walks the layouts of docs/SPEC.md §4 and hands each run or row to the copy
 * of those loops made for its array classes and profile (generated/loops.ts; loops.ts explains why there are copies).
 * Each kernel picks its copy once, before its loop over rows.
 *
 * Kernels never allocate and assume validated arguments (see validate.ts).
 */

/** Quantizes x[start, end) with one scale and zero point into out[start, end). */
export function quantizeRun(x: FloatArray, out: CodeArray, start: number, end: number, scale: number, zeroPoint: number, spec: KernelSpec): void {
  quantizeRunLoopFor(x, out, spec.profile)(x, out, start, end, scale, zeroPoint, spec.qmin, spec.qmax);
}

export function quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void {
  quantizeRun(x, out, 0, x.length, scale, zeroPoint, spec);
}

export function quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void {
  // An empty tensor has nothing to walk; its layout may still multiply a huge dimension by 0 (work is bounded by the data).
  if (x.length === 0) return;
  const { outer, channels, inner } = layout;
  const { qmin, qmax } = spec;
  if (inner === 1) {
    // The last axis: the channel changes with every element, so each row is one pass over all the channels.
    const loop = quantizeGroupsLoopFor(x, out, scales, spec.profile);
    for (let o = 0; o < outer; o++) loop(x, out, o * channels, channels, scales, zeroPoints, 0, qmin, qmax);
    return;
  }
  const run = quantizeRunLoopFor(x, out, spec.profile);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) run(x, out, start, start + inner, scales[c]!, zeroPoints[c]!, qmin, qmax);
  }
}

export function quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void {
  if (x.length === 0) return;
  const { outer, dim, inner, blockSize } = layout;
  const { qmin, qmax } = spec;
  const blocks = Math.ceil(dim / blockSize);
  if (inner === 1) {
    // Blocks along the last axis are contiguous runs with one scale each.
    const run = quantizeRunLoopFor(x, out, spec.profile);
    for (let o = 0, g = 0; o < outer; o++) {
      for (let b = 0; b < blocks; b++, g++) {
        const start = o * dim + b * blockSize;
        run(x, out, start, Math.min(start + blockSize, (o + 1) * dim), scales[g]!, zeroPoints[g]!, qmin, qmax);
      }
    }
    return;
  }
  // Otherwise each row of `inner` elements takes `inner` consecutive groups of its block.
  const loop = quantizeGroupsLoopFor(x, out, scales, spec.profile);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) {
      loop(x, out, start, inner, scales, zeroPoints, (o * blocks + Math.floor(d / blockSize)) * inner, qmin, qmax);
    }
  }
}
