import type { Backend } from './backend.js';
import { checkHistogramArgs, type HistogramCounts } from './calibrate/histogram.js';
import { ErrorCodes, fail } from './errors.js';
import { packedByteLength } from './storage.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray, KernelSpec, MinMax, QuantizationErrorReport } from './types.js';
import { checkFloatArray, checkIntArray, checkProfile, checkScale, describe, isFloatArray } from './validate.js';

/**
 * Kernel-level functions with explicit parameters and caller-provided outputs (no allocation), validated before they
 * reach the backend. They are what the Backend interface offers, made safe to call with untrusted arguments.
 */
export interface KernelApi {
  quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void;
  quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void;
  quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void;
  dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void;
  dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void;
  dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void;
  fakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): QuantizationErrorReport;
  minMax(x: FloatArray): MinMax;
  absMax(x: FloatArray): number;
  minMaxAxis(x: FloatArray, layout: AxisLayout, outMin: Float64Array, outMax: Float64Array): void;
  minMaxBlocked(x: FloatArray, layout: BlockLayout, outMin: Float64Array, outMax: Float64Array): void;
  pack(q: Int8Array | Uint8Array, bits: 2 | 4, out: Uint8Array): void;
  unpack(packed: Uint8Array, bits: 2 | 4, signed: boolean, out: Int8Array | Uint8Array): void;
  /** Adds the histogram of x over [min, max] to counts (RANGE: bounds not finite or min > max; OUTPUT: bad counts). */
  histogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;
  /** The same for |x|; also RANGE when min < 0. */
  absHistogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;
}

function checkCount(v: unknown, name: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(ErrorCodes.SHAPE, `${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function checkAxisLayout(l: AxisLayout, length: number): number {
  const n = checkCount(l?.outer, 'layout.outer') * checkCount(l?.channels, 'layout.channels') * checkCount(l?.inner, 'layout.inner');
  if (n !== length) fail(ErrorCodes.SHAPE, `layout ${l.outer}x${l.channels}x${l.inner} holds ${n} elements but the data has ${length}`);
  return l.channels;
}

function checkBlockLayout(l: BlockLayout, length: number): number {
  const n = checkCount(l?.outer, 'layout.outer') * checkCount(l?.dim, 'layout.dim') * checkCount(l?.inner, 'layout.inner');
  if (typeof l.blockSize !== 'number' || !Number.isInteger(l.blockSize) || l.blockSize < 1) {
    fail(ErrorCodes.BLOCK_SIZE, `blockSize must be an integer >= 1, got ${String(l.blockSize)}`);
  }
  if (n !== length) fail(ErrorCodes.SHAPE, `layout ${l.outer}x${l.dim}x${l.inner} holds ${n} elements but the data has ${length}`);
  return l.outer * Math.ceil(l.dim / l.blockSize) * l.inner;
}

/** The spec must describe an interval the output array can hold. */
function checkSpec(spec: KernelSpec, out: IntArray): void {
  checkProfile(spec?.profile);
  const r = arrayRangeOf(out);
  if (!Number.isInteger(spec.qmin) || !Number.isInteger(spec.qmax) || spec.qmin > spec.qmax || spec.qmin < r.min || spec.qmax > r.max) {
    fail(ErrorCodes.BITS, `[qmin, qmax] = [${spec.qmin}, ${spec.qmax}] must be an integer interval inside ${describe(out)}'s range`);
  }
}

function arrayRangeOf(a: IntArray): { min: number; max: number } {
  if (a instanceof Int8Array) return { min: -128, max: 127 };
  if (a instanceof Uint8Array) return { min: 0, max: 255 };
  if (a instanceof Int16Array) return { min: -32768, max: 32767 };
  return { min: 0, max: 65535 };
}

function checkZp(zp: unknown, lo: number, hi: number, name = 'zeroPoint'): void {
  if (typeof zp !== 'number' || !Number.isInteger(zp) || zp < lo || zp > hi) fail(ErrorCodes.ZERO_POINT, `${name} must be an integer in [${lo}, ${hi}], got ${String(zp)}`);
}

function checkGroupParams(scales: unknown, zeroPoints: unknown, groups: number, single: boolean, lo: number, hi: number): void {
  if (!isFloatArray(scales) || scales.length !== groups) fail(ErrorCodes.SCALE, `scales must be a Float32Array or Float64Array of ${groups} elements, got ${describe(scales)}`);
  if (!(zeroPoints instanceof Int32Array) || zeroPoints.length !== groups) fail(ErrorCodes.ZERO_POINT, `zeroPoints must be an Int32Array of ${groups} elements, got ${describe(zeroPoints)}`);
  for (let i = 0; i < groups; i++) {
    checkScale(scales[i], single, `scales[${i}]`);
    checkZp(zeroPoints[i], lo, hi, `zeroPoints[${i}]`);
  }
}

function checkSameLength(out: unknown, length: number, name = 'out'): void {
  const len = (out as ArrayLike<number>).length;
  if (len !== length) fail(ErrorCodes.OUTPUT, `${name} must have ${length} elements, got ${len}`);
}

function checkQuantizeOut(out: unknown, length: number): asserts out is IntArray {
  if (!(out instanceof Int8Array || out instanceof Uint8Array || out instanceof Int16Array || out instanceof Uint16Array)) {
    fail(ErrorCodes.OUTPUT, `out must be an Int8Array, Uint8Array, Int16Array or Uint16Array, got ${describe(out)}`);
  }
  checkSameLength(out, length);
}

function checkFloatOut(out: unknown, length: number): asserts out is FloatArray {
  if (!isFloatArray(out)) fail(ErrorCodes.OUTPUT, `out must be a Float32Array or Float64Array, got ${describe(out)}`);
  checkSameLength(out, length);
}

function checkBitsArg(bits: unknown): asserts bits is 2 | 4 {
  if (bits !== 2 && bits !== 4) fail(ErrorCodes.PACKED, `packing works on 2 or 4 bits, got ${String(bits)}`);
}

function checkMinMaxOut(outMin: unknown, outMax: unknown, groups: number): void {
  if (!(outMin instanceof Float64Array) || outMin.length !== groups) fail(ErrorCodes.OUTPUT, `outMin must be a Float64Array of ${groups} elements`);
  if (!(outMax instanceof Float64Array) || outMax.length !== groups) fail(ErrorCodes.OUTPUT, `outMax must be a Float64Array of ${groups} elements`);
}

export function createKernelApi(backend: Backend): KernelApi {
  return {
    quantizeTensor(x, scale, zeroPoint, spec, out) {
      checkFloatArray(x, 'x');
      checkQuantizeOut(out, x.length);
      checkSpec(spec, out);
      checkScale(scale, x instanceof Float32Array);
      checkZp(zeroPoint, spec.qmin, spec.qmax);
      backend.quantizeTensor(x, scale, zeroPoint, spec, out);
    },
    quantizeAxis(x, scales, zeroPoints, layout, spec, out) {
      checkFloatArray(x, 'x');
      checkQuantizeOut(out, x.length);
      checkSpec(spec, out);
      const groups = checkAxisLayout(layout, x.length);
      checkGroupParams(scales, zeroPoints, groups, x instanceof Float32Array, spec.qmin, spec.qmax);
      backend.quantizeAxis(x, scales, zeroPoints, layout, spec, out);
    },
    quantizeBlocked(x, scales, zeroPoints, layout, spec, out) {
      checkFloatArray(x, 'x');
      checkQuantizeOut(out, x.length);
      checkSpec(spec, out);
      const groups = checkBlockLayout(layout, x.length);
      checkGroupParams(scales, zeroPoints, groups, x instanceof Float32Array, spec.qmin, spec.qmax);
      backend.quantizeBlocked(x, scales, zeroPoints, layout, spec, out);
    },
    dequantizeTensor(q, scale, zeroPoint, out) {
      checkIntArray(q, 'q');
      checkFloatOut(out, q.length);
      checkScale(scale, false);
      const r = arrayRangeOf(q);
      checkZp(zeroPoint, r.min, r.max);
      backend.dequantizeTensor(q, scale, zeroPoint, out);
    },
    dequantizeAxis(q, scales, zeroPoints, layout, out) {
      checkIntArray(q, 'q');
      checkFloatOut(out, q.length);
      const r = arrayRangeOf(q);
      checkGroupParams(scales, zeroPoints, checkAxisLayout(layout, q.length), false, r.min, r.max);
      backend.dequantizeAxis(q, scales, zeroPoints, layout, out);
    },
    dequantizeBlocked(q, scales, zeroPoints, layout, out) {
      checkIntArray(q, 'q');
      checkFloatOut(out, q.length);
      const r = arrayRangeOf(q);
      checkGroupParams(scales, zeroPoints, checkBlockLayout(layout, q.length), false, r.min, r.max);
      backend.dequantizeBlocked(q, scales, zeroPoints, layout, out);
    },
    fakeQuantizeTensor(x, scale, zeroPoint, spec, out) {
      checkFloatArray(x, 'x');
      checkFloatOut(out, x.length);
      if (out.constructor !== x.constructor) fail(ErrorCodes.OUTPUT, `out must be a ${describe(x)} like x, got ${describe(out)}`);
      checkProfile(spec?.profile);
      if (!Number.isInteger(spec.qmin) || !Number.isInteger(spec.qmax) || spec.qmin > spec.qmax || spec.qmin < -32768 || spec.qmax > 65535) {
        fail(ErrorCodes.BITS, `[qmin, qmax] = [${spec.qmin}, ${spec.qmax}] must be an integer interval of at most 16 bits`);
      }
      checkScale(scale, x instanceof Float32Array);
      checkZp(zeroPoint, spec.qmin, spec.qmax);
      return backend.fakeQuantizeTensor(x, scale, zeroPoint, spec, out);
    },
    minMax(x) {
      checkFloatArray(x, 'x');
      return backend.minMax(x);
    },
    absMax(x) {
      checkFloatArray(x, 'x');
      return backend.absMax(x);
    },
    minMaxAxis(x, layout, outMin, outMax) {
      checkFloatArray(x, 'x');
      checkMinMaxOut(outMin, outMax, checkAxisLayout(layout, x.length));
      backend.minMaxAxis(x, layout, outMin, outMax);
    },
    minMaxBlocked(x, layout, outMin, outMax) {
      checkFloatArray(x, 'x');
      checkMinMaxOut(outMin, outMax, checkBlockLayout(layout, x.length));
      backend.minMaxBlocked(x, layout, outMin, outMax);
    },
    pack(q, bits, out) {
      if (!(q instanceof Int8Array || q instanceof Uint8Array)) fail(ErrorCodes.INPUT_TYPE, `q must be an Int8Array or Uint8Array, got ${describe(q)}`);
      checkBitsArg(bits);
      if (!(out instanceof Uint8Array)) fail(ErrorCodes.OUTPUT, `out must be a Uint8Array, got ${describe(out)}`);
      const bytes = packedByteLength(q.length, bits);
      if (out.length !== bytes) fail(ErrorCodes.PACKED, `packing ${q.length} ${bits}-bit elements needs ${bytes} bytes, out has ${out.length}`);
      backend.pack(q, bits, out);
    },
    unpack(packed, bits, signed, out) {
      if (!(packed instanceof Uint8Array)) fail(ErrorCodes.INPUT_TYPE, `packed must be a Uint8Array, got ${describe(packed)}`);
      checkBitsArg(bits);
      if (!(out instanceof Int8Array || out instanceof Uint8Array)) fail(ErrorCodes.OUTPUT, `out must be an Int8Array or Uint8Array, got ${describe(out)}`);
      const bytes = packedByteLength(out.length, bits);
      if (packed.length !== bytes) fail(ErrorCodes.PACKED, `${out.length} ${bits}-bit elements are packed in ${bytes} bytes, got ${packed.length}`);
      backend.unpack(packed, bits, Boolean(signed), out);
    },
    histogram(x, min, max, counts) {
      checkHistogramArgs(x, min, max, counts, false);
      backend.histogram(x, min, max, counts);
    },
    absHistogram(x, min, max, counts) {
      checkHistogramArgs(x, min, max, counts, true);
      backend.absHistogram(x, min, max, counts);
    },
  };
}


