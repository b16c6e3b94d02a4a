import type { Backend } from './backend.js';
import { checkHistogramArgs, checkHistogramBounds } from './calibrate/histogram.js';
import { ErrorCodes, fail, type ErrorCode } from './errors.js';
import { checkGgmlDequantizeArgs, checkGgmlQuantizeArgs, checkGgmlQuantizeHalfArgs } from './ggml/kernels.js';
import {
  checkAsymmetricScanArgs, checkFloatScanArgs, checkHammingScanArgs, checkIntegerScanArgs, checkPackBinaryRowsArgs, checkQuantizeEmbeddingRowsArgs, checkTopKArgs,
} from './embeddings/kernel-checks.js';
import { checkHalfDType } from './half-input.js';
import { arrayRange, packedByteLength } from './storage.js';
import { KERNEL_NAMES, KERNEL_TABLE, isArrayParam, type KernelArgs, type KernelName, type KernelParam, type KernelSignatures } from './kernel-table.js';
import type { AxisLayout, BlockLayout, FloatArray, HalfDType, IntArray, KernelSpec } from './types.js';
import { checkFloatArray, checkIntArray, checkedView, checkProfile, checkScale, describe, isFloatArray } from './validate.js';
import { typedArrayName } from './views.js';

/**
 * Kernel-level functions with explicit parameters and caller-provided outputs (no allocation), validated before they
 * reach the backend: the kernel table's signatures (kernel-table.ts), made safe to call with untrusted arguments.
 * Errors: RANGE for histogram bounds that are not finite or min > max (or min < 0 for absHistogram), OUTPUT for bad
 * outputs, DETACHED for a detached array, and the codes of validate.ts for everything else. Typed arrays are taken by
 * brand (a view whose prototype was tampered with is replaced by a plain view of the same memory, views.ts). Results
 * are the backend's own: fakeQuantizeTensor's report sums every pair, NaN included (the kernel contract, SPEC §6).
 */
export interface KernelApi extends KernelSignatures {}

function checkCount(v: unknown, name: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(ErrorCodes.SHAPE, `${name} must be a safe integer >= ${min}, got ${describe(v)}`);
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
    fail(ErrorCodes.BLOCK_SIZE, `blockSize must be an integer >= 1, got ${describe(l.blockSize)}`);
  }
  if (n !== length) fail(ErrorCodes.SHAPE, `layout ${l.outer}x${l.dim}x${l.inner} holds ${n} elements but the data has ${length}`);
  return l.outer * Math.ceil(l.dim / l.blockSize) * l.inner;
}

/** A kernel spec is { qmin, qmax, profile }, all given (no default profile at this level). */
function checkSpecShape(spec: KernelSpec): void {
  if (typeof spec !== 'object' || spec === null) fail(ErrorCodes.OPTION, `spec must be an object { qmin, qmax, profile }, got ${describe(spec)}`);
  if (spec.profile === undefined) fail(ErrorCodes.OPTION, "spec.profile must be 'onnx' or 'pytorch', got undefined");
  checkProfile(spec.profile);
}

/** The spec must describe an interval the output array can hold. */
function checkSpec(spec: KernelSpec, out: IntArray): void {
  checkSpecShape(spec);
  const r = arrayRange(out);
  if (!Number.isInteger(spec.qmin) || !Number.isInteger(spec.qmax) || spec.qmin > spec.qmax || spec.qmin < r.min || spec.qmax > r.max) {
    fail(ErrorCodes.BITS, `[qmin, qmax] = [${describe(spec.qmin)}, ${describe(spec.qmax)}] must be an integer interval inside the range of ${describe(out)}`);
  }
}

function checkZp(zp: unknown, lo: number, hi: number, name = 'zeroPoint'): void {
  if (typeof zp !== 'number' || !Number.isInteger(zp) || zp < lo || zp > hi) fail(ErrorCodes.ZERO_POINT, `${name} must be an integer in [${lo}, ${hi}], got ${describe(zp)}`);
}

function checkGroupParams(scales: unknown, zeroPoints: unknown, groups: number, single: boolean, lo: number, hi: number): void {
  if (!isFloatArray(scales) || scales.length !== groups) fail(ErrorCodes.SCALE, `scales must be a Float32Array or Float64Array of ${groups} elements, got ${describe(scales)}`);
  if (!(zeroPoints instanceof Int32Array) || zeroPoints.length !== groups) fail(ErrorCodes.ZERO_POINT, `zeroPoints must be an Int32Array of ${groups} elements, got ${describe(zeroPoints)}`);
  const s = scales as FloatArray;
  const z = zeroPoints as Int32Array;
  for (let i = 0; i < groups; i++) {
    // The same tests as checkScale / checkZp (Int32Array elements are integers), without making an element's name
    // unless it fails: half a million groups would otherwise build half a million strings.
    const used = single ? Math.fround(s[i]!) : s[i]!;
    if (!(s[i]! > 0 && used > 0 && used < Infinity && s[i]! < Infinity) || !(z[i]! >= lo && z[i]! <= hi)) {
      checkScale(s[i], single, `scales[${i}]`);
      checkZp(z[i], lo, hi, `zeroPoints[${i}]`);
    }
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
  if (bits !== 2 && bits !== 4) fail(ErrorCodes.PACKED, `packing works on 2 or 4 bits, got ${describe(bits)}`);
}

function checkMinMaxOut(outMin: unknown, outMax: unknown, groups: number): void {
  if (!(outMin instanceof Float64Array) || outMin.length !== groups) fail(ErrorCodes.OUTPUT, `outMin must be a Float64Array of ${groups} elements, got ${describe(outMin)}`);
  if (!(outMax instanceof Float64Array) || outMax.length !== groups) fail(ErrorCodes.OUTPUT, `outMax must be a Float64Array of ${groups} elements, got ${describe(outMax)}`);
}

/** A Uint16Array of half-precision bit patterns and its dtype ('float16' or 'bfloat16'). */
function checkHalfArray(x: unknown, name: string, dtype: unknown, code: ErrorCode = ErrorCodes.INPUT_TYPE): Uint16Array {
  if (typedArrayName(x) !== 'Uint16Array') fail(code, `${name} must be a Uint16Array of float16 / bfloat16 bits, got ${describe(x)}`);
  checkHalfDType(dtype);
  return checkedView(x as Uint16Array, name);
}

/** quantizeAxis / quantizeBlocked: `groupsOf` checks the layout against the element count and counts its groups. */
function checkQuantizeGroups(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, spec: KernelSpec, out: IntArray, groupsOf: (length: number) => number): void {
  checkFloatArray(x, 'x');
  checkQuantizeOut(out, x.length);
  checkSpec(spec, out);
  checkGroupParams(scales, zeroPoints, groupsOf(x.length), x instanceof Float32Array, spec.qmin, spec.qmax);
}

/** quantizeAxisHalf / quantizeBlockedHalf: as checkQuantizeGroups, x half bits quantized as float32 (float32 scales). */
function checkQuantizeHalfGroups(x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, spec: KernelSpec, out: IntArray, groupsOf: (length: number) => number): void {
  const bits = checkHalfArray(x, 'x', dtype);
  checkQuantizeOut(out, bits.length);
  checkSpec(spec, out);
  checkGroupParams(scales, zeroPoints, groupsOf(bits.length), true, spec.qmin, spec.qmax);
}

/** dequantizeAxisHalf / dequantizeBlockedHalf: as dequantizeAxis / dequantizeBlocked, out half bits. */
function checkDequantizeHalfGroups(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, dtype: HalfDType, out: Uint16Array, groupsOf: (length: number) => number): void {
  checkIntArray(q, 'q');
  checkHalfArray(out, 'out', dtype, ErrorCodes.OUTPUT);
  checkSameLength(out, q.length);
  const r = arrayRange(q);
  checkGroupParams(scales, zeroPoints, groupsOf(q.length), false, r.min, r.max);
}

/** fakeQuantizeTensor and fakeQuantizeTensorValues: out like x, a spec of at most 16 bits, scale and zero point in it. */
function checkFakeQuantizeArgs(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): void {
  checkFloatArray(x, 'x');
  checkFloatOut(out, x.length);
  if (out.constructor !== x.constructor) fail(ErrorCodes.OUTPUT, `out must be a ${describe(x)} like x, got ${describe(out)}`);
  checkSpecShape(spec);
  if (!Number.isInteger(spec.qmin) || !Number.isInteger(spec.qmax) || spec.qmin > spec.qmax || spec.qmin < -32768 || spec.qmax > 65535) {
    fail(ErrorCodes.BITS, `[qmin, qmax] = [${describe(spec.qmin)}, ${describe(spec.qmax)}] must be an integer interval of at most 16 bits`);
  }
  checkScale(scale, x instanceof Float32Array);
  checkZp(zeroPoint, spec.qmin, spec.qmax);
}

/** The argument checks of every kernel, run before the backend sees the call. */
const KERNEL_CHECKS: { readonly [K in KernelName]: (...args: KernelArgs<K>) => void } = {
  quantizeTensor(x, scale, zeroPoint, spec, out) {
    checkFloatArray(x, 'x');
    checkQuantizeOut(out, x.length);
    checkSpec(spec, out);
    checkScale(scale, x instanceof Float32Array);
    checkZp(zeroPoint, spec.qmin, spec.qmax);
  },
  quantizeAxis(x, scales, zeroPoints, layout, spec, out) {
    checkQuantizeGroups(x, scales, zeroPoints, spec, out, (n) => checkAxisLayout(layout, n));
  },
  quantizeBlocked(x, scales, zeroPoints, layout, spec, out) {
    checkQuantizeGroups(x, scales, zeroPoints, spec, out, (n) => checkBlockLayout(layout, n));
  },
  quantizeBlockedMinMax(x, layout, scheme, spec, outScales, outZeroPoints, out) {
    checkFloatArray(x, 'x');
    checkQuantizeOut(out, x.length);
    checkSpec(spec, out);
    // The parameter rule needs the scheme's code range: affine qmin < qmax, symmetric qmax >= 1 (2^(bits-1) - 1).
    if (scheme !== 'affine' && scheme !== 'symmetric') fail(ErrorCodes.OPTION, `scheme must be 'affine' or 'symmetric', got ${describe(scheme)}`);
    if (scheme === 'affine' ? !(spec.qmin < spec.qmax) : !(spec.qmax >= 1)) {
      fail(ErrorCodes.BITS, `[qmin, qmax] = [${spec.qmin}, ${spec.qmax}] has no ${scheme} parameters`);
    }
    const groups = checkBlockLayout(layout, x.length);
    if (!isFloatArray(outScales) || typedArrayName(outScales) !== typedArrayName(x) || outScales.length !== groups) {
      fail(ErrorCodes.OUTPUT, `outScales must be a ${x instanceof Float32Array ? 'Float32Array' : 'Float64Array'} of ${groups} elements (x's precision), got ${describe(outScales)}`);
    }
    if (!(outZeroPoints instanceof Int32Array) || outZeroPoints.length !== groups) {
      fail(ErrorCodes.OUTPUT, `outZeroPoints must be an Int32Array of ${groups} elements, got ${describe(outZeroPoints)}`);
    }
  },
  quantizeTensorHalf(x, dtype, scale, zeroPoint, spec, out) {
    const bits = checkHalfArray(x, 'x', dtype);
    checkQuantizeOut(out, bits.length);
    checkSpec(spec, out);
    checkScale(scale, true);
    checkZp(zeroPoint, spec.qmin, spec.qmax);
  },
  dequantizeTensorHalf(q, scale, zeroPoint, dtype, out) {
    checkIntArray(q, 'q');
    checkHalfArray(out, 'out', dtype, ErrorCodes.OUTPUT);
    checkSameLength(out, q.length);
    checkScale(scale, false);
    const r = arrayRange(q);
    checkZp(zeroPoint, r.min, r.max);
  },
  quantizeAxisHalf(x, dtype, scales, zeroPoints, layout, spec, out) {
    checkQuantizeHalfGroups(x, dtype, scales, zeroPoints, spec, out, (n) => checkAxisLayout(layout, n));
  },
  quantizeBlockedHalf(x, dtype, scales, zeroPoints, layout, spec, out) {
    checkQuantizeHalfGroups(x, dtype, scales, zeroPoints, spec, out, (n) => checkBlockLayout(layout, n));
  },
  dequantizeAxisHalf(q, scales, zeroPoints, layout, dtype, out) {
    checkDequantizeHalfGroups(q, scales, zeroPoints, dtype, out, (n) => checkAxisLayout(layout, n));
  },
  dequantizeBlockedHalf(q, scales, zeroPoints, layout, dtype, out) {
    checkDequantizeHalfGroups(q, scales, zeroPoints, dtype, out, (n) => checkBlockLayout(layout, n));
  },
  minMaxHalf(x, dtype) {
    checkHalfArray(x, 'x', dtype);
  },
  minMaxAxisHalf(x, dtype, layout, outMin, outMax) {
    const bits = checkHalfArray(x, 'x', dtype);
    checkMinMaxOut(outMin, outMax, checkAxisLayout(layout, bits.length));
  },
  minMaxBlockedHalf(x, dtype, layout, outMin, outMax) {
    const bits = checkHalfArray(x, 'x', dtype);
    checkMinMaxOut(outMin, outMax, checkBlockLayout(layout, bits.length));
  },
  dequantizeTensor(q, scale, zeroPoint, out) {
    checkIntArray(q, 'q');
    checkFloatOut(out, q.length);
    checkScale(scale, false);
    const r = arrayRange(q);
    checkZp(zeroPoint, r.min, r.max);
  },
  dequantizeAxis(q, scales, zeroPoints, layout, out) {
    checkIntArray(q, 'q');
    checkFloatOut(out, q.length);
    const r = arrayRange(q);
    checkGroupParams(scales, zeroPoints, checkAxisLayout(layout, q.length), false, r.min, r.max);
  },
  dequantizeBlocked(q, scales, zeroPoints, layout, out) {
    checkIntArray(q, 'q');
    checkFloatOut(out, q.length);
    const r = arrayRange(q);
    checkGroupParams(scales, zeroPoints, checkBlockLayout(layout, q.length), false, r.min, r.max);
  },
  fakeQuantizeTensor: checkFakeQuantizeArgs,
  fakeQuantizeTensorValues: checkFakeQuantizeArgs,
  minMax(x) {
    checkFloatArray(x, 'x');
  },
  absMax(x) {
    checkFloatArray(x, 'x');
  },
  minMaxAxis(x, layout, outMin, outMax) {
    checkFloatArray(x, 'x');
    checkMinMaxOut(outMin, outMax, checkAxisLayout(layout, x.length));
  },
  minMaxBlocked(x, layout, outMin, outMax) {
    checkFloatArray(x, 'x');
    checkMinMaxOut(outMin, outMax, checkBlockLayout(layout, x.length));
  },
  pack(q, bits, out) {
    if (!(q instanceof Int8Array || q instanceof Uint8Array)) fail(ErrorCodes.INPUT_TYPE, `q must be an Int8Array or Uint8Array, got ${describe(q)}`);
    checkBitsArg(bits);
    if (!(out instanceof Uint8Array)) fail(ErrorCodes.OUTPUT, `out must be a Uint8Array, got ${describe(out)}`);
    const bytes = packedByteLength(q.length, bits);
    if (out.length !== bytes) fail(ErrorCodes.PACKED, `packing ${q.length} ${bits}-bit elements needs ${bytes} bytes, out has ${out.length}`);
  },
  unpack(packed, bits, signed, out) {
    if (!(packed instanceof Uint8Array)) fail(ErrorCodes.INPUT_TYPE, `packed must be a Uint8Array, got ${describe(packed)}`);
    checkBitsArg(bits);
    if (!(out instanceof Int8Array || out instanceof Uint8Array)) fail(ErrorCodes.OUTPUT, `out must be an Int8Array or Uint8Array, got ${describe(out)}`);
    const bytes = packedByteLength(out.length, bits);
    if (packed.length !== bytes) fail(ErrorCodes.PACKED, `${out.length} ${bits}-bit elements are packed in ${bytes} bytes, got ${packed.length}`);
  },
  histogram(x, min, max, counts) {
    checkHistogramArgs(x, min, max, counts, false);
  },
  absHistogram(x, min, max, counts) {
    checkHistogramArgs(x, min, max, counts, true);
  },
  histogramHalf(x, dtype, min, max, counts) {
    checkHalfArray(x, 'x', dtype);
    checkHistogramBounds(min, max, counts, false);
  },
  absHistogramHalf(x, dtype, min, max, counts) {
    checkHalfArray(x, 'x', dtype);
    checkHistogramBounds(min, max, counts, true);
  },
  ggmlQuantize(x, format, out) {
    checkGgmlQuantizeArgs(x, format, out);
  },
  ggmlQuantizeHalf(x, dtype, format, out) {
    checkGgmlQuantizeHalfArgs(x, dtype, format, out);
  },
  ggmlDequantize(blocks, format, out) {
    checkGgmlDequantizeArgs(blocks, format, out);
  },
  quantizeEmbeddingRows: checkQuantizeEmbeddingRowsArgs,
  packBinaryRows: checkPackBinaryRowsArgs,
  hammingScan: checkHammingScanArgs,
  dotScanInt8: checkIntegerScanArgs('Int8Array', 'Int32Array'),
  dotScanUint8: checkIntegerScanArgs('Uint8Array', 'Uint32Array'),
  l2ScanInt8: checkIntegerScanArgs('Int8Array', 'Uint32Array'),
  l2ScanUint8: checkIntegerScanArgs('Uint8Array', 'Uint32Array'),
  dotScanAsymmetric: checkAsymmetricScanArgs,
  l2ScanAsymmetric: checkAsymmetricScanArgs,
  dotScanFloat: checkFloatScanArgs,
  l2ScanFloat: checkFloatScanArgs,
  topKKernel: checkTopKArgs,
};

/** The positions of a kernel's typed-array parameters. */
function arrayPositions(name: KernelName): number[] {
  const params = KERNEL_TABLE[name].params as readonly KernelParam[];
  return params.flatMap((p, i) => (isArrayParam(p) ? [i] : []));
}

/**
 * The arguments as the checks and the backend see them: every typed array among the array parameters attached
 * (ERR_QUANT_DETACHED otherwise) and with a prototype that agrees with its brand. Anything else is left for the checks.
 */
function viewsOf(args: unknown[], positions: readonly number[], name: KernelName): unknown[] {
  const params = KERNEL_TABLE[name].params as readonly KernelParam[];
  const out = args.slice();
  for (const i of positions) {
    const a = out[i];
    if (typedArrayName(a) !== undefined) out[i] = checkedView(a as ArrayBufferView, params[i]!);
  }
  return out;
}

/** The kernels of `backend`, each behind its checks. */
export function createKernelApi(backend: Backend): KernelApi {
  const api: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const check = KERNEL_CHECKS[name] as (...args: unknown[]) => void;
    const kernel = (backend[name] as (...args: unknown[]) => unknown).bind(backend);
    const positions = arrayPositions(name);
    api[name] = (...given: unknown[]) => {
      const args = viewsOf(given, positions, name);
      check(...args);
      return kernel(...args);
    };
  }
  return Object.freeze(api) as unknown as KernelApi;
}
