import { ROUND_MAGIC } from '../rounding.js';
import { arrayClass, specialize } from './specialize.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray, KernelSpec } from '../types.js';

/** Any integer typed array a run may write codes into (Int32Array is used for scratch by fake-quantize). */
type CodeArray = IntArray | Int32Array;

/*
 * Reference quantize kernels: the contract every other backend reproduces bit for bit.
 *
 *   q = saturate(roundHalfEven(t) + zeroPoint, qmin, qmax)
 *   t = fl(x / fl(scale))          profile 'onnx'    (a true division, like ONNX QuantizeLinear and onnxruntime)
 *   t = fl(x * fl(1 / fl(scale)))  profile 'pytorch' (reciprocal multiply, like torch.quantize_per_tensor)
 *
 * fl() rounds to the input's precision: Math.fround for Float32Array (the double quotient or product of two float32
 * values rounds to the same float32 as a float32 operation would), nothing for Float64Array.
 *
 * Saturation is done in the float domain before rounding, as MLAS does: t is clamped to [qmin - zp, qmax - zp]
 * (integers, so clamping before or after rounding gives the same code). The comparisons are written so that NaN
 * selects the lower bound: NaN -> qmin, +Inf -> qmax, -Inf -> qmin, huge values saturate and never wrap. The zero
 * point is added after rounding, so an exact tie rounds to even independently of the zero point.
 *
 * Kernels never allocate and assume validated arguments (see validate.ts).
 */

/** The divisor or multiplier a run uses, already rounded to the input precision. */
function runFactor(scale: number, spec: KernelSpec, single: boolean): number {
  const s = single ? Math.fround(scale) : scale;
  if (spec.profile === 'onnx') return s;
  return single ? Math.fround(1 / s) : 1 / s;
}

type RunLoop = (x: FloatArray, out: CodeArray, start: number, end: number, f: number, zp: number, lo: number, hi: number) => void;

/**
 * The loop, written once. FL rounds to the input precision; OP is '/' (onnx) or '*' (pytorch, f = the reciprocal).
 * `t > lo ? t : lo` is false for NaN, so NaN takes the lower bound.
 */
const RUN_SOURCE = `
  for (let i = start; i < end; i++) {
    let t = FL(x[i] OP f);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }`;

const identity = (v: number): number => v;

function runLoop(x: FloatArray, out: CodeArray, profile: KernelSpec['profile']): RunLoop {
  const single = x instanceof Float32Array;
  const op = profile === 'onnx' ? '/' : '*';
  const key = `quantize_${arrayClass(x)}_${profile}_${arrayClass(out)}`;
  return specialize<RunLoop>(key, ['x', 'out', 'start', 'end', 'f', 'zp', 'lo', 'hi'], RUN_SOURCE.replace('OP', op), {
    FL: single ? Math.fround : identity,
    ROUND_MAGIC,
  });
}

/** Quantizes x[start, end) with one scale and zero point into out[start, end). */
export function quantizeRun(x: FloatArray, out: CodeArray, start: number, end: number, scale: number, zeroPoint: number, spec: KernelSpec): void {
  const f = runFactor(scale, spec, x instanceof Float32Array);
  runLoop(x, out, spec.profile)(x, out, start, end, f, zeroPoint, spec.qmin - zeroPoint, spec.qmax - zeroPoint);
}

type GroupsLoop = (x: FloatArray, out: IntArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number) => void;

/**
 * The same arithmetic as RUN_SOURCE when every element has its own group: element start + i uses scale and zero point
 * g0 + i (a row of per-channel parameters along the last axis, or a row of blocks across an inner dimension).
 * FACTOR is runFactor's value for one scale.
 */
const GROUPS_SOURCE = `
  for (let i = 0; i < count; i++) {
    const f = FACTOR;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = FL(x[start + i] OP f);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }`;

function groupsLoop(x: FloatArray, out: IntArray, scales: FloatArray, profile: KernelSpec['profile']): GroupsLoop {
  const single = x instanceof Float32Array;
  const source = GROUPS_SOURCE.replace('OP', profile === 'onnx' ? '/' : '*').replace('FACTOR', profile === 'onnx' ? 'FL(scales[g0 + i])' : 'FL(1 / FL(scales[g0 + i]))');
  const key = `quantize_groups_${arrayClass(x)}_${profile}_${arrayClass(out)}_${arrayClass(scales)}`;
  return specialize<GroupsLoop>(key, ['x', 'out', 'start', 'count', 'scales', 'zeroPoints', 'g0', 'qmin', 'qmax'], source, {
    FL: single ? Math.fround : identity,
    ROUND_MAGIC,
  });
}

export function quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void {
  quantizeRun(x, out, 0, x.length, scale, zeroPoint, spec);
}

export function quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void {
  const { outer, channels, inner } = layout;
  if (inner === 1) {
    // The last axis: the channel changes with every element, so each row is one pass over all the channels.
    const loop = groupsLoop(x, out, scales, spec.profile);
    for (let o = 0; o < outer; o++) loop(x, out, o * channels, channels, scales, zeroPoints, 0, spec.qmin, spec.qmax);
    return;
  }
  const run = runLoop(x, out, spec.profile);
  const single = x instanceof Float32Array;
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++, start += inner) {
      const zp = zeroPoints[c]!;
      run(x, out, start, start + inner, runFactor(scales[c]!, spec, single), zp, spec.qmin - zp, spec.qmax - zp);
    }
  }
}

export function quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void {
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  if (inner === 1) {
    // Blocks along the last axis are contiguous runs with one scale each.
    const run = runLoop(x, out, spec.profile);
    const single = x instanceof Float32Array;
    for (let o = 0, g = 0; o < outer; o++) {
      for (let b = 0; b < blocks; b++, g++) {
        const start = o * dim + b * blockSize;
        const zp = zeroPoints[g]!;
        run(x, out, start, Math.min(start + blockSize, (o + 1) * dim), runFactor(scales[g]!, spec, single), zp, spec.qmin - zp, spec.qmax - zp);
      }
    }
    return;
  }
  // Otherwise each row of `inner` elements takes `inner` consecutive groups of its block.
  const loop = groupsLoop(x, out, scales, spec.profile);
  let start = 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < dim; d++, start += inner) {
      loop(x, out, start, inner, scales, zeroPoints, (o * blocks + Math.floor(d / blockSize)) * inner, spec.qmin, spec.qmax);
    }
  }
}
