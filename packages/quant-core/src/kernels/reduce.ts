import type { AxisLayout, BlockLayout, FloatArray, MinMax } from '../types.js';

/*
 * Range reductions. NaN is ignored (it never widens a range); ±Infinity counts. An empty or all-NaN input gives
 * { min: +Infinity, max: -Infinity }, which parameter selection treats as an empty range. The sign of a zero result
 * is unspecified (min(-0, +0) may be either), which changes no quantization parameter.
 */

function minMaxRun(x: FloatArray, start: number, end: number, stride: number): MinMax {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i += stride) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

export function minMax(x: FloatArray): MinMax {
  return minMaxRun(x, 0, x.length, 1);
}

/** max |x| over non-NaN elements; 0 for an empty or all-NaN input. */
export function absMax(x: FloatArray): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** One min and max per channel: outMin/outMax have `channels` elements. */
export function minMaxAxis(x: FloatArray, layout: AxisLayout, outMin: Float64Array, outMax: Float64Array): void {
  const { outer, channels, inner } = layout;
  outMin.fill(Infinity, 0, channels);
  outMax.fill(-Infinity, 0, channels);
  // An empty tensor has nothing to walk; its layout may still multiply a huge dimension by 0 (work is bounded by the data).
  if (x.length === 0) return;
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) {
      const r = minMaxRun(x, start, start + inner, 1);
      if (r.min < outMin[c]!) outMin[c] = r.min;
      if (r.max > outMax[c]!) outMax[c] = r.max;
    }
  }
}

/** One min and max per block: outMin/outMax have outer * ceil(dim / blockSize) * inner elements. */
export function minMaxBlocked(x: FloatArray, layout: BlockLayout, outMin: Float64Array, outMax: Float64Array): void {
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  const groups = outer * blocks * inner;
  outMin.fill(Infinity, 0, groups);
  outMax.fill(-Infinity, 0, groups);
  if (x.length === 0) return;
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) {
      const group = (o * blocks + Math.floor(d / blockSize)) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[start + i]!;
        if (v < outMin[group + i]!) outMin[group + i] = v;
        if (v > outMax[group + i]!) outMax[group + i] = v;
      }
    }
  }
}
