import { arrayClass, specialize } from './specialize.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray } from '../types.js';

/*
 * Reference dequantize kernels: out = (q - zeroPoint) * scale, computed in float64 and rounded once to the output
 * array's precision (the store into a Float32Array rounds to nearest even). q - zeroPoint is an exact integer below
 * 2^17, so for a float32 scale the double product is exact and equals a float32 multiply bit for bit.
 */

type RunLoop = (q: IntArray, out: FloatArray, start: number, end: number, scale: number, zeroPoint: number) => void;

const RUN_SOURCE = 'for (let i = start; i < end; i++) out[i] = (q[i] - zeroPoint) * scale;';

/** Dequantizes q[start, end) with one scale and zero point (one monomorphic loop per array pair, see specialize.ts). */
export function dequantizeRun(q: IntArray, out: FloatArray, start: number, end: number, scale: number, zeroPoint: number): void {
  const key = `dequantize_${arrayClass(q)}_${arrayClass(out)}`;
  specialize<RunLoop>(key, ['q', 'out', 'start', 'end', 'scale', 'zeroPoint'], RUN_SOURCE)(q, out, start, end, scale, zeroPoint);
}

export function dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void {
  dequantizeRun(q, out, 0, q.length, scale, zeroPoint);
}

export function dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void {
  const { outer, channels, inner } = layout;
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) {
      dequantizeRun(q, out, start, start + inner, scales[c]!, zeroPoints[c]!);
    }
  }
}

export function dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void {
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) {
      const group = (o * blocks + Math.floor(d / blockSize)) * inner;
      for (let i = 0; i < inner; i++) {
        out[start + i] = (q[start + i]! - zeroPoints[group + i]!) * scales[group + i]!;
      }
    }
  }
}
