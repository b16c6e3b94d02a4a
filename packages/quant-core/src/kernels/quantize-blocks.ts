import { paramsOfRange } from '../params.js';
import type { BlockLayout, FloatArray, IntArray, KernelSpec, Scheme } from '../types.js';
import { quantizeGroupsLoopFor, quantizeRunLoopFor } from './generated/loops.js';

/*
 * Reference blocked quantize with parameters from the data (quantizeBlockedMinMax): the composition of minMaxBlocked,
 * qparamsFromRanges and quantizeBlocked, group by group. Blocks along the last axis (inner === 1) are contiguous runs:
 * each is folded, given its parameters and quantized while it is in cache. With inner > 1 a block is `inner` columns
 * of rows: its rows fold into per-column min/max (a scratch kept by this module), then the parameters of its `inner`
 * groups, then its rows are quantized. The first group without parameters stops the kernel (its index is returned).
 */

let scratchMin = new Float64Array(0);
let scratchMax = new Float64Array(0);

/** Per-column min/max scratch of at least n elements, reused across calls (JavaScript runs one kernel at a time). */
function scratch(n: number): void {
  if (scratchMin.length >= n) return;
  scratchMin = new Float64Array(n);
  scratchMax = new Float64Array(n);
}

export function quantizeBlockedMinMax(
  x: FloatArray,
  layout: BlockLayout,
  scheme: Scheme,
  spec: KernelSpec,
  outScales: FloatArray,
  outZeroPoints: Int32Array,
  out: IntArray,
): number {
  if (x.length === 0) return -1;
  const { outer, dim, inner, blockSize } = layout;
  const { qmin, qmax } = spec;
  const symmetric = scheme === 'symmetric';
  const single = x instanceof Float32Array;
  const blocks = Math.ceil(dim / blockSize);
  if (inner === 1) {
    const run = quantizeRunLoopFor(x, out, spec.profile);
    for (let o = 0, g = 0; o < outer; o++) {
      const rowEnd = (o + 1) * dim;
      for (let b = 0; b < blocks; b++, g++) {
        const start = o * dim + b * blockSize;
        const end = Math.min(start + blockSize, rowEnd);
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = start; i < end; i++) {
          const v = x[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (!paramsOfRange(lo, hi, symmetric, qmin, qmax, single, outScales, outZeroPoints, g)) return g;
        run(x, out, start, end, outScales[g]!, outZeroPoints[g]!, qmin, qmax);
      }
    }
    return -1;
  }
  scratch(inner);
  const lo = scratchMin;
  const hi = scratchMax;
  const loop = quantizeGroupsLoopFor(x, out, outScales, spec.profile);
  for (let o = 0; o < outer; o++) {
    for (let b = 0; b < blocks; b++) {
      const g0 = (o * blocks + b) * inner;
      const first = (o * dim + b * blockSize) * inner;
      const rows = Math.min(blockSize, dim - b * blockSize);
      lo.fill(Infinity, 0, inner);
      hi.fill(-Infinity, 0, inner);
      for (let r = 0, start = first; r < rows; r++, start += inner) {
        for (let i = 0; i < inner; i++) {
          const v = x[start + i]!;
          if (v < lo[i]!) lo[i] = v;
          if (v > hi[i]!) hi[i] = v;
        }
      }
      for (let i = 0; i < inner; i++) {
        if (!paramsOfRange(lo[i]!, hi[i]!, symmetric, qmin, qmax, single, outScales, outZeroPoints, g0 + i)) return g0 + i;
      }
      for (let r = 0, start = first; r < rows; r++, start += inner) loop(x, out, start, inner, outScales, outZeroPoints, g0, qmin, qmax);
    }
  }
  return -1;
}
