import type { Backend } from './backend.js';
import { calibrateGroups } from './calibrate/calibrators.js';
import { isCalibrationSpec, type CalibrationSpec } from './calibrate/spec.js';
import { ErrorCodes, fail } from './errors.js';
import { checkShape, resolveGranularity, resolveShape, shapeSize, type ResolvedGranularity } from './layout.js';
import { allocateOrLimit } from './limits.js';
import { errorReportSkippingNaN, nanAwareReport } from './metrics.js';
import { createGgmlApi, type GgmlApi } from './ggml/api.js';
import { createEmbeddingsApi, type EmbeddingsApi } from './embeddings/api.js';
import { checkOptionKeys, OPTION_SCHEMAS, optionsObject } from './options.js';
import { qparamsFromRanges, rangeError } from './params.js';
import { measureGroupRanges, measureHalfGroupRanges, type GroupRanges } from './ranges.js';
import { allocateCodes, codeArrayName, packedByteLength, storageSpec, type StorageSpec } from './storage.js';
import type { FloatArray, FloatDType, Granularity, HalfDType, IntArray, KernelSpec, Profile, QuantInput, QuantizationErrorReport, QuantizedTensor, Scheme, TensorDType } from './types.js';
import { isHalfValue, widenHalf } from './half.js';
import { checkHalfScaleValue, halfScale, halfScales, isHalf, resolveInput, widenAll } from './half-input.js';
import {
  checkBoolean,
  checkDisjoint,
  checkedView,
  checkOutput,
  checkProfile,
  checkScale,
  checkScales,
  checkScheme,
  checkZeroPoint,
  checkZeroPoints,
  describe,
  floatInput,
  isArrayLikeOfNumbers,
  typedArrayOf,
} from './validate.js';
import { typedArrayName } from './views.js';
import { arrayToOverwrite } from './fresh-array.js';

export interface QuantizeOptions {
  /** 'affine' (default): unsigned codes with a zero point; 'symmetric': signed codes, zero point 0. */
  readonly scheme?: Scheme;
  /** 2..16, default 8. */
  readonly bits?: number;
  /** 'tensor' (default), { axis } for one scale per channel, { axis, blockSize } for blocks along an axis. */
  readonly granularity?: Granularity;
  /** Row-major shape; required for per-axis and blocked granularity. Default: [x.length]. */
  readonly shape?: readonly number[];
  /**
   * 'minmax' (default), an explicit range (per-axis and blocked take one min and max per group), or a calibrator,
   * e.g. { method: 'percentile', percentile: 99.99 } (docs/CALIBRATION.md).
   */
  readonly range?: 'minmax' | { readonly min: number | ArrayLike<number>; readonly max: number | ArrayLike<number> } | CalibrationSpec;
  /** Drop the lowest code: symmetric [-(2^(b-1)-1), 2^(b-1)-1], affine [1, 2^b-1]. */
  readonly narrowRange?: boolean;
  /** 'onnx' (default, true division) or 'pytorch' (reciprocal multiply). */
  readonly profile?: Profile;
  /** Pack 2- or 4-bit codes into bytes (ONNX order). */
  readonly packed?: boolean;
  /** Explicit parameters instead of a range: one number, or one per group. */
  readonly scale?: number | ArrayLike<number>;
  readonly zeroPoint?: number | ArrayLike<number>;
  /**
   * The array to write into (default: a new array); reusing one buffer across calls saves the allocation and the page
   * faults of a fresh array. It must not overlap x (ERR_QUANT_OUTPUT otherwise, as for a wrong type or length).
   * - quantize: the codes, returned as the tensor's `data`: the scheme's code type (Uint8Array/Int8Array up to 8 bits,
   *   Uint16Array/Int16Array above) of x.length elements, or with `packed` a Uint8Array of ceil(x.length * bits / 8) bytes.
   * - fakeQuantize, fakeQuantizeWithError: the values, returned: an array of x's type (Float32Array, Float64Array;
   *   Uint16Array for half-precision bits) of x.length elements.
   */
  readonly out?: IntArray | FloatArray;
  /**
   * The half-precision type of a Uint16Array input: 'float16' (IEEE binary16) or 'bfloat16' (required for a
   * Uint16Array, optional for a Float16Array; float inputs need none). Scales of half tensors are values of that type.
   */
  readonly dtype?: HalfDType | FloatDType;
}

/** Resolved quantization parameters; `scale` and `zeroPoint` are numbers per tensor and arrays per group. */
export interface QuantParams {
  readonly scale: number | FloatArray;
  readonly zeroPoint: number | Int32Array;
  readonly scheme: Scheme;
  readonly bits: number;
  readonly qmin: number;
  readonly qmax: number;
  readonly shape: readonly number[];
  readonly axis?: number;
  readonly blockSize?: number;
  readonly scaleShape?: readonly number[];
}

export interface FakeQuantizeResult<V extends FloatArray | Uint16Array = FloatArray> {
  /** The quantized-then-dequantized values, in the input's precision (half-precision bits for a half input). */
  readonly values: V;
  readonly error: QuantizationErrorReport;
  readonly params: QuantParams;
}

/**
 * Where dequantize writes: a Float32Array or Float64Array (that precision), a Uint16Array (half-precision bits of
 * `dtype`, or of the tensor's own half type), or options naming the output `dtype` (a new array) and/or `out`.
 */
export interface DequantizeOptions {
  readonly out?: FloatArray | Uint16Array;
  readonly dtype?: TensorDType;
}

export interface QuantApi {
  quantize(x: QuantInput, options?: QuantizeOptions): QuantizedTensor;
  /** Float32Array for float32 and half tensors, Float64Array for float64 ones, unless `out` says otherwise. */
  dequantize(qt: QuantizedTensor, out?: FloatArray): FloatArray;
  dequantize(qt: QuantizedTensor, target: Uint16Array | (DequantizeOptions & { readonly dtype: HalfDType })): Uint16Array;
  dequantize(qt: QuantizedTensor, target?: FloatArray | Uint16Array | DequantizeOptions): FloatArray | Uint16Array;
  fakeQuantize(x: FloatArray, options?: QuantizeOptions): FloatArray;
  fakeQuantize(x: Uint16Array, options: QuantizeOptions): Uint16Array;
  fakeQuantizeWithError(x: FloatArray, options?: QuantizeOptions): FakeQuantizeResult;
  fakeQuantizeWithError(x: Uint16Array, options: QuantizeOptions): FakeQuantizeResult<Uint16Array>;
  computeQParams(x: QuantInput, options?: QuantizeOptions): QuantParams;
  quantizationError(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport;
  /** GGML block formats (docs/GGML.md) on this API's backend. */
  quantizeBlocks: GgmlApi['quantizeBlocks'];
  dequantizeBlocks: GgmlApi['dequantizeBlocks'];
  /** Embedding quantization and binary search with rescoring (docs/EMBEDDINGS.md) on this API's backend. */
  quantizeEmbeddings: EmbeddingsApi['quantizeEmbeddings'];
  searchBinaryRescore: EmbeddingsApi['searchBinaryRescore'];
  rescoreCandidates: EmbeddingsApi['rescoreCandidates'];
  topK: EmbeddingsApi['topK'];
}

/** Everything quantize needs, resolved and validated once. */
export interface Plan {
  /** The values the kernels run on: the input, or the exact float32 widening of a half-precision input. */
  readonly x: FloatArray;
  /** The kernels' precision ('float32' for half inputs). */
  readonly dtype: FloatDType;
  /** The half type of the input, when it is one: scales are values of that type (SPEC §12). */
  readonly half: HalfDType | undefined;
  /** A half input's bit patterns (then `x` is their float32 widening, made on first use). */
  readonly bits: Uint16Array | undefined;
  /** Element count. */
  readonly length: number;
  readonly scheme: Scheme;
  readonly storage: StorageSpec;
  readonly kernel: KernelSpec;
  readonly narrowRange: boolean;
  readonly shape: readonly number[];
  readonly granularity: ResolvedGranularity;
  /** The caller's output for the codes (packed bytes when storage.packed), validated; undefined: allocate. */
  readonly out: IntArray | undefined;
}

/**
 * Validates x and the options against what the backend can do (api-async.ts reuses it, with the async calls' option
 * keys). `options` is read once, key by key; `undefined` means "not given" and `null` is a wrong value like any other.
 */
export function plan(
  input: unknown,
  options: QuantizeOptions | undefined,
  backend: Pick<Backend, 'name' | 'capabilities'>,
  call = 'quantize',
  keys: readonly string[] = OPTION_SCHEMAS.quantize,
): Plan {
  const o: QuantizeOptions = optionsObject(options, call);
  checkOptionKeys(o, keys);
  const input_ = resolveInput(input, o.dtype);
  const scheme = checkScheme(o.scheme);
  const narrowRange = checkBoolean(o.narrowRange, 'narrowRange');
  const packed = checkBoolean(o.packed, 'packed');
  const storage = storageSpec(scheme, o.bits === undefined ? 8 : o.bits, narrowRange, packed);
  const profile = checkProfile(o.profile);
  const shape = resolveShape(o.shape, input_.length);
  const granularity = resolveGranularity(o.granularity, shape);
  const dtype = input_.dtype;
  checkCapabilities(backend, dtype, profile, storage, granularity);
  const out = checkQuantizeOutput(o.out, input_.source, input_.length, storage);
  const { half, bits, length } = input_;
  const kernel = { qmin: storage.qmin, qmax: storage.qmax, profile };
  const base = { dtype, half, bits, length, scheme, storage, kernel, narrowRange, shape, granularity, out };
  if (input_.x !== undefined) return { ...base, x: input_.x };
  // A half input is widened only if a path needs float32 values (the per-tensor kernels read the bits).
  let wide: Float32Array | undefined;
  return Object.defineProperty(base, 'x', { get: () => (wide ??= widenAll(bits!, half!)), enumerable: true }) as unknown as Plan;
}

function checkQuantizeOutput(out: unknown, x: ArrayBufferView, length: number, storage: StorageSpec): IntArray | undefined {
  if (out === undefined) return undefined;
  const view: IntArray = storage.packed ? checkOutput(out, 'Uint8Array', packedByteLength(length, storage.bits as 2 | 4)) : checkOutput(out, codeArrayName(storage), length);
  checkDisjoint(view, x, 'x');
  return view;
}

/** The codes array and the tensor's data array of a quantize: the caller's `out` where given, else new arrays. */
export function outputsOf(p: Plan): { codes: IntArray; data: IntArray | undefined } {
  const length = p.length;
  if (!p.storage.packed) return { codes: p.out ?? allocateCodes(p.storage, length), data: undefined };
  return { codes: allocateCodes(p.storage, length), data: p.out ?? arrayToOverwrite(Uint8Array, packedByteLength(length, p.storage.bits as 2 | 4)) };
}

/** computeQParams returns no array, so an `out` there is a mistake, not something to ignore. */
export function rejectOutput(options: QuantizeOptions | undefined, fn: string): void {
  if (typeof options === 'object' && options !== null && options.out !== undefined) fail(ErrorCodes.OPTION, `out is an option of quantize and fakeQuantize, not of ${fn}`);
}

/**
 * The options of a fakeQuantize call without their `out` (so plan() does not check it as quantize's codes), and that
 * `out`: the values' array, checked against the plan by valuesOutput.
 */
export function splitValuesOutput(options: QuantizeOptions | undefined): { options: QuantizeOptions | undefined; out: unknown } {
  if (typeof options !== 'object' || options === null || options.out === undefined) return { options, out: undefined };
  return { options: { ...options, out: undefined }, out: options.out };
}

/**
 * fakeQuantize's `out`: an array of the values' type (Float32Array / Float64Array as the input, Uint16Array for a half
 * input), as long as the input and not overlapping it (ERR_QUANT_OUTPUT); undefined when none was given.
 */
export function valuesOutput(out: unknown, p: Plan): FloatArray | Uint16Array | undefined {
  if (out === undefined) return undefined;
  const input = p.bits ?? p.x;
  const name = p.half !== undefined ? 'Uint16Array' : p.dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const view = checkOutput<FloatArray | Uint16Array>(out, name, p.length);
  checkDisjoint(view, input, 'x');
  return view;
}

function checkCapabilities(backend: Pick<Backend, 'name' | 'capabilities'>, dtype: FloatDType, profile: Profile, storage: StorageSpec, g: ResolvedGranularity): void {
  const c = backend.capabilities;
  const missing =
    (dtype === 'float64' && !c.float64 && 'Float64Array input') ||
    (!c.profiles.includes(profile) && `profile '${profile}'`) ||
    (!c.bits.includes(storage.bits) && `${storage.bits}-bit codes`) ||
    (storage.packed && !c.packedBits.includes(storage.bits as 2 | 4) && `${storage.bits}-bit packing`) ||
    (g.kind === 'axis' && !c.perAxis && 'per-axis granularity') ||
    (g.kind === 'block' && !c.blocked && 'blocked granularity');
  if (missing) fail(ErrorCodes.BACKEND, `backend '${backend.name}' does not support ${missing}`);
}

function rangeBound(v: unknown, name: string): number | ArrayLike<unknown> {
  if (typeof v === 'number') return v;
  if (!isArrayLikeOfNumbers(v)) return fail(ErrorCodes.RANGE, `range.${name} must be a number or an array of numbers, got ${describe(v)}`);
  return ArrayBuffer.isView(v) ? checkedView(v, `range.${name}`) : v;
}

export type { GroupRanges } from './ranges.js';

/** Whether resolveParams needs the data's range (no scale, zero point or explicit range given): its one data pass. */
export function needsDataRange(options: QuantizeOptions): boolean {
  return options.scale === undefined && options.zeroPoint === undefined && (options.range === undefined || options.range === 'minmax');
}

/** Per-group min/max from the data (`measure`, called only when needsDataRange), or from an explicit range option. */
function groupRanges(p: Plan, options: QuantizeOptions, measure: () => GroupRanges, backend: Backend | undefined): GroupRanges {
  const groups = p.granularity.groups;
  const range = options.range === undefined ? 'minmax' : options.range;
  if (range === 'minmax') return measure();
  if (isCalibrationSpec(range)) return calibrateGroups(p, range, backend);
  if (typeof range !== 'object' || range === null) fail(ErrorCodes.OPTION, `range must be 'minmax', { min, max } or { method, ... }, got ${describe(range)}`);
  checkOptionKeys(range, OPTION_SCHEMAS.range, 'range');
  const lo = rangeBound(range.min, 'min');
  const hi = rangeBound(range.max, 'max');
  const min = allocateOrLimit(groups, (n) => new Float64Array(n));
  const max = allocateOrLimit(groups, (n) => new Float64Array(n));
  for (const [bound, target, name] of [[lo, min, 'min'], [hi, max, 'max']] as const) {
    if (typeof bound === 'number') {
      if (groups !== 1) fail(ErrorCodes.RANGE, `range.${name} must be an array of ${groups} numbers for this granularity`);
      target[0] = bound;
    } else {
      if (bound.length !== groups) fail(ErrorCodes.RANGE, `range.${name} has ${bound.length} elements; this granularity needs ${groups}`);
      for (let i = 0; i < groups; i++) {
        const v = bound[i];
        if (typeof v !== 'number') fail(ErrorCodes.RANGE, `range.${name}[${i}] must be a number, got ${describe(v)}`);
        target[i] = v;
      }
    }
  }
  return { min, max };
}

/**
 * Scale and zero point per group, from explicit parameters, an explicit range, or the data's range (`measure`).
 * Calibrators run on `backend` (the reference when undefined: the async API has no synchronous backend to give).
 */
export function resolveParams(p: Plan, options: QuantizeOptions, measure: () => GroupRanges, backend?: Backend): QuantParams {
  const single = p.dtype === 'float32';
  const groups = p.granularity.groups;
  let scale: number | FloatArray;
  let zeroPoint: number | Int32Array;
  if (options.scale !== undefined) {
    if (options.range !== undefined) fail(ErrorCodes.OPTION, 'pass either range or scale/zeroPoint, not both');
    const zp = options.zeroPoint !== undefined ? options.zeroPoint : p.granularity.kind === 'tensor' ? 0 : allocateOrLimit(groups, (n) => new Int32Array(n));
    if (p.granularity.kind === 'tensor') {
      scale = checkScale(options.scale, single);
      if (p.half !== undefined) scale = halfScale(scale, p.half);
      zeroPoint = checkZeroPoint(zp, p.storage);
    } else {
      scale = checkScales(options.scale, groups, single);
      if (p.half !== undefined) halfScales(scale, p.half);
      zeroPoint = checkZeroPoints(zp, groups, p.storage);
    }
  } else {
    if (options.zeroPoint !== undefined) fail(ErrorCodes.OPTION, 'zeroPoint needs an explicit scale');
    const { min, max } = groupRanges(p, options, measure, backend);
    const scales = allocateOrLimit(groups, (n) => (single ? new Float32Array(n) : new Float64Array(n)));
    const zps = allocateOrLimit(groups, (n) => new Int32Array(n));
    qparamsFromRanges(min, max, p.scheme, p.storage, p.half ?? p.dtype, scales, zps);
    scale = p.granularity.kind === 'tensor' ? scales[0]! : scales;
    zeroPoint = p.granularity.kind === 'tensor' ? zps[0]! : zps;
  }
  return quantParamsOf(p, scale, zeroPoint);
}

/** The QuantParams of a plan with these parameters. */
function quantParamsOf(p: Plan, scale: number | FloatArray, zeroPoint: number | Int32Array): QuantParams {
  const g = p.granularity;
  return {
    scale,
    zeroPoint,
    scheme: p.scheme,
    bits: p.storage.bits,
    qmin: p.storage.qmin,
    qmax: p.storage.qmax,
    shape: p.shape,
    ...(g.kind !== 'tensor' ? { axis: g.axis } : {}),
    ...(g.kind === 'block' ? { blockSize: g.blockSize, scaleShape: g.scaleShape } : {}),
  };
}

/** The data a plan's kernels read: a half input's bits (the half kernels), or its float values. */
export function inputOf(p: Plan): FloatArray | Uint16Array {
  return p.bits ?? p.x;
}

function runQuantize(backend: Backend, p: Plan, q: QuantParams, out: IntArray): void {
  const g = p.granularity;
  if (p.bits !== undefined) {
    const h = p.half!;
    if (g.kind === 'tensor') backend.quantizeTensorHalf(p.bits, h, q.scale as number, q.zeroPoint as number, p.kernel, out);
    else if (g.kind === 'axis') backend.quantizeAxisHalf(p.bits, h, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out);
    else backend.quantizeBlockedHalf(p.bits, h, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out);
  } else if (g.kind === 'tensor') backend.quantizeTensor(p.x, q.scale as number, q.zeroPoint as number, p.kernel, out);
  else if (g.kind === 'axis') backend.quantizeAxis(p.x, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out);
  else backend.quantizeBlocked(p.x, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out);
}

function runDequantize(backend: Backend, g: ResolvedGranularity, codes: IntArray, scale: number | FloatArray, zeroPoint: number | Int32Array, out: FloatArray): void {
  if (g.kind === 'tensor') backend.dequantizeTensor(codes, scale as number, zeroPoint as number, out);
  else if (g.kind === 'axis') backend.dequantizeAxis(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, out);
  else backend.dequantizeBlocked(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, out);
}

/** runDequantize into half-precision bits: the exact products rounded once to `dtype`, by the half kernels. */
function runDequantizeHalf(backend: Backend, g: ResolvedGranularity, codes: IntArray, scale: number | FloatArray, zeroPoint: number | Int32Array, dtype: HalfDType, out: Uint16Array): void {
  if (g.kind === 'tensor') backend.dequantizeTensorHalf(codes, scale as number, zeroPoint as number, dtype, out);
  else if (g.kind === 'axis') backend.dequantizeAxisHalf(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, dtype, out);
  else backend.dequantizeBlockedHalf(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, dtype, out);
}

/** The QuantizedTensor for a plan, its parameters and its (possibly packed) codes. */
export function quantizedTensorOf(p: Plan, q: QuantParams, data: IntArray): QuantizedTensor {
  return {
    data,
    scale: q.scale,
    zeroPoint: q.zeroPoint,
    scheme: p.scheme,
    bits: p.storage.bits,
    shape: p.shape,
    ...(q.axis !== undefined ? { axis: q.axis } : {}),
    ...(q.blockSize !== undefined ? { blockSize: q.blockSize } : {}),
    packed: p.storage.packed,
    narrowRange: p.narrowRange,
    profile: p.kernel.profile,
    dtype: p.half ?? p.dtype,
  };
}

/** A validated dequantize: codes to read (to be unpacked from `packed` first when set) and the output to write. */
export type DequantizePlan = DequantizePlanBase &
  (
    | { readonly out: FloatArray; readonly half: undefined }
    | {
        readonly out: undefined;
        /**
         * A half-precision output: its type, a Uint16Array view of its bits (what the half kernels write), and the
         * array dequantize returns (the caller's `out` itself, a Float16Array included, or a new Uint16Array).
         */
        readonly half: { readonly dtype: HalfDType; readonly bits: Uint16Array; readonly result: Uint16Array };
      }
  );

interface DequantizePlanBase {
  readonly granularity: ResolvedGranularity;
  readonly scale: number | FloatArray;
  readonly zeroPoint: number | Int32Array;
  readonly storage: StorageSpec;
  /** The packed bytes to unpack into `codes`, or undefined when `codes` is the tensor's own data. */
  readonly packed: Uint8Array | undefined;
  readonly codes: IntArray;
}

/** A QuantizedTensor's fields, validated (nothing allocated but the parameter copies). */
export interface CheckedTensor {
  readonly granularity: ResolvedGranularity;
  readonly scale: number | FloatArray;
  readonly zeroPoint: number | Int32Array;
  readonly storage: StorageSpec;
  readonly dtype: TensorDType;
  /** Element count (the product of the shape). */
  readonly length: number;
  /** The tensor's data: codes, or packed bytes when storage.packed. */
  readonly data: IntArray;
}

/** Validates every field of a QuantizedTensor except the values of its codes (checkQuantizedTensor does those). */
export function checkTensor(qt: QuantizedTensor): CheckedTensor {
  if (typeof qt !== 'object' || qt === null) fail(ErrorCodes.INPUT_TYPE, `dequantize needs a QuantizedTensor, got ${describe(qt)}`);
  const scheme = checkScheme(qt.scheme);
  const packed = checkBoolean(qt.packed, 'packed');
  const storage = storageSpec(scheme, qt.bits, checkBoolean(qt.narrowRange, 'narrowRange'), packed);
  const dtype = qt.dtype === undefined ? 'float32' : qt.dtype;
  if (dtype !== 'float32' && dtype !== 'float64' && !isHalf(dtype)) {
    fail(ErrorCodes.OPTION, `dtype must be 'float32', 'float64', 'float16' or 'bfloat16', got ${describe(dtype)}`);
  }
  const shape = checkShape(qt.shape);
  const length = shapeSize(shape);
  const g = resolveGranularity(granularityOf(qt), shape);
  const single = dtype !== 'float64';
  const scale = g.kind === 'tensor' ? checkScale(qt.scale, single) : checkScales(qt.scale, g.groups, single);
  if (isHalf(dtype)) {
    if (typeof scale === 'number') checkHalfScaleValue(scale, dtype, 'scale');
    else for (let i = 0; i < scale.length; i++) if (!isHalfValue(scale[i]!, dtype)) checkHalfScaleValue(scale[i]!, dtype, `scale[${i}]`);
  }
  const zeroPoint = g.kind === 'tensor' ? checkZeroPoint(qt.zeroPoint, storage) : checkZeroPoints(qt.zeroPoint, g.groups, storage);
  let data: IntArray;
  if (packed) {
    const bits = storage.bits as 2 | 4;
    const bytes = packedByteLength(length, bits);
    const expected = `a Uint8Array of ${bytes} bytes (packed ${bits}-bit data for ${length} elements)`;
    data = typedArrayOf(qt.data, PACKED_DATA, ErrorCodes.PACKED, 'data', expected);
    if (data.length !== bytes) fail(ErrorCodes.PACKED, `data must be ${expected}, got ${describe(data)}`);
  } else {
    data = typedArrayOf(qt.data, new Set([codeArrayName(storage)]), ErrorCodes.INPUT_TYPE, 'data', `a ${codeArrayName(storage)} for this scheme and bit width`);
    if (data.length !== length) fail(ErrorCodes.SHAPE, `data has ${data.length} elements but the shape holds ${length}`);
  }
  return { granularity: g, scale, zeroPoint, storage, dtype, length, data };
}

/**
 * Validates a QuantizedTensor and an optional output (api-async.ts reuses it). The codes themselves are not read:
 * a code outside the tensor's [qmin, qmax] dequantizes by the same formula (checkQuantizedTensor finds such codes).
 */
export function planDequantize(qt: QuantizedTensor, target: unknown): DequantizePlan {
  const t = checkTensor(qt);
  const packed = t.storage.packed ? (t.data as Uint8Array) : undefined;
  const codes = packed ? allocateCodes(t.storage, t.length) : t.data;
  const plain = { granularity: t.granularity, scale: t.scale, zeroPoint: t.zeroPoint, storage: t.storage, packed, codes };
  const o = resolveDequantizeOutput(target, t);
  if (o.half === undefined) return { ...plain, out: o.out as FloatArray, half: undefined };
  return { ...plain, out: undefined, half: { dtype: o.half, bits: o.bits!, result: o.out as Uint16Array } };
}

/** The output array of a dequantize and its half type when it holds half-precision bits. */
function resolveDequantizeOutput(target: unknown, t: CheckedTensor): { out: FloatArray | Uint16Array; half: HalfDType | undefined; bits?: Uint16Array } {
  let out = target;
  let dtype: unknown;
  if (typeof target === 'object' && target !== null && !ArrayBuffer.isView(target)) {
    checkOptionKeys(target, ['out', 'dtype'], 'dequantize options');
    ({ out, dtype } = target as DequantizeOptions);
  }
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16' && dtype !== 'bfloat16') {
    fail(ErrorCodes.OPTION, `dtype must be 'float32', 'float64', 'float16' or 'bfloat16', got ${describe(dtype)}`);
  }
  if (out === undefined) {
    const d = (dtype ?? (isHalf(t.dtype) ? 'float32' : t.dtype)) as TensorDType;
    if (isHalf(d)) {
      const bits = arrayToOverwrite(Uint16Array, t.length);
      return { out: bits, half: d, bits };
    }
    return { out: allocateFloat(d, t.length), half: undefined };
  }
  const kind = typedArrayName(out);
  let half: HalfDType | undefined;
  if (kind === 'Uint16Array' || kind === 'Float16Array') {
    half = kind === 'Float16Array' ? 'float16' : isHalf((dtype ?? t.dtype) as TensorDType) ? ((dtype ?? t.dtype) as HalfDType) : undefined;
    if (half === undefined) fail(ErrorCodes.OPTION, `out is a Uint16Array: pass { out, dtype: 'float16' | 'bfloat16' } to say which half type to write`);
    if (kind === 'Float16Array' && dtype !== undefined && dtype !== 'float16') fail(ErrorCodes.OPTION, `dtype must be 'float16' (or left out) for a Float16Array out, got ${describe(dtype)}`);
  } else if (dtype !== undefined && dtype !== (kind === 'Float32Array' ? 'float32' : kind === 'Float64Array' ? 'float64' : undefined)) {
    fail(ErrorCodes.OPTION, `dtype ${describe(dtype)} does not describe out, ${describe(out)}`);
  }
  const view = half !== undefined ? checkedView(out as Uint16Array, 'out') : floatInput(out, 'out');
  if (view.length !== t.length) fail(ErrorCodes.OUTPUT, `out must have ${t.length} elements, got ${view.length}`);
  checkDisjoint(view, t.data, 'the tensor data');
  // A Float16Array out is written through a Uint16Array view of its memory and returned as itself.
  return half !== undefined ? { out: view as Uint16Array, half, bits: new Uint16Array(view.buffer, view.byteOffset, view.length) } : { out: view, half };
}

const PACKED_DATA: ReadonlySet<string> = new Set(['Uint8Array']);

function granularityOf(qt: QuantizedTensor): Granularity {
  if (qt.axis === undefined) return 'tensor';
  return qt.blockSize === undefined ? { axis: qt.axis } : { axis: qt.axis, blockSize: qt.blockSize };
}

/** A float output a kernel writes completely (not zero-filled: fresh-array.ts). */
export function allocateFloat(dtype: FloatDType, length: number): FloatArray {
  return dtype === 'float32' ? arrayToOverwrite(Float32Array, length) : arrayToOverwrite(Float64Array, length);
}

/** Binds the high-level API to a backend: validation and parameter choice happen here, once, for every backend. */
export function createQuantApi(backend: Backend): QuantApi {
  /** Parameters for a plan: the 'minmax' data pass (when needed) runs on this API's backend. */
  const paramsOf = (p: Plan, options: QuantizeOptions | undefined): QuantParams =>
    resolveParams(p, options ?? {}, () => (p.bits !== undefined ? measureHalfGroupRanges(p.bits, p.half!, p.granularity, backend) : measureGroupRanges(p.x, p.granularity, backend)), backend);

  function computeQParams(x: FloatArray, options?: QuantizeOptions): QuantParams {
    rejectOutput(options, 'computeQParams');
    const p = plan(x, options, backend, 'computeQParams');
    return paramsOf(p, options);
  }

  function quantize(x: FloatArray, options?: QuantizeOptions): QuantizedTensor {
    const p = plan(x, options, backend);
    // (The fused blocked kernel chooses float32 / float64 scales; half tensors take the three steps.)
    if (p.granularity.kind === 'block' && p.half === undefined && needsDataRange(options ?? {})) return quantizeBlockedFromData(p);
    const q = paramsOf(p, options);
    const { codes, data } = outputsOf(p);
    runQuantize(backend, p, q, codes);
    if (data !== undefined) backend.pack(codes as Int8Array | Uint8Array, p.storage.bits as 2 | 4, data as Uint8Array);
    return quantizedTensorOf(p, q, data ?? codes);
  }

  /**
   * Blocked quantize with min/max parameters: one kernel call chooses every block's parameters and writes its codes
   * while the block is in cache (quantizeBlockedMinMax), instead of a min/max pass, parameters in JavaScript and a
   * quantize pass. A group whose data holds ±Inf throws the error qparamsFromRanges throws for it (after the kernel
   * may have written part of the codes: of `out` too, when one was given).
   */
  function quantizeBlockedFromData(p: Plan): QuantizedTensor {
    const g = p.granularity as Extract<ResolvedGranularity, { kind: 'block' }>;
    const scales = allocateOrLimit(g.groups, (n) => (p.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)));
    const zeroPoints = allocateOrLimit(g.groups, (n) => new Int32Array(n));
    const { codes, data } = outputsOf(p);
    const bad = backend.quantizeBlockedMinMax(p.x, g.layout, p.scheme, p.kernel, scales, zeroPoints, codes);
    if (bad >= 0) {
      const r = measureGroupRanges(p.x, g, backend);
      rangeError(r.min[bad]!, r.max[bad]!, p.dtype);
    }
    if (data !== undefined) backend.pack(codes as Int8Array | Uint8Array, p.storage.bits as 2 | 4, data as Uint8Array);
    return quantizedTensorOf(p, quantParamsOf(p, scales, zeroPoints), data ?? codes);
  }

  function dequantize(qt: QuantizedTensor, target?: unknown): FloatArray | Uint16Array {
    const d = planDequantize(qt, target);
    if (d.packed) backend.unpack(d.packed, d.storage.bits as 2 | 4, d.storage.signed, d.codes as Int8Array | Uint8Array);
    if (d.half !== undefined) {
      runDequantizeHalf(backend, d.granularity, d.codes, d.scale, d.zeroPoint, d.half.dtype, d.half.bits);
      return d.half.result;
    }
    runDequantize(backend, d.granularity, d.codes, d.scale, d.zeroPoint, d.out);
    return d.out;
  }

  /** fakeQuantize of a half input: the values dequantize would give in the half type (one rounding of the product). */
  function fakeQuantizeHalf(p: Plan, q: QuantParams, out: Uint16Array | undefined): Uint16Array {
    const codes = allocateCodes(p.storage, p.length);
    runQuantize(backend, p, q, codes);
    const bits = out ?? allocateOrLimit(p.length, (n) => arrayToOverwrite(Uint16Array, n));
    runDequantizeHalf(backend, p.granularity, codes, q.scale, q.zeroPoint, p.half!, bits);
    return bits;
  }

  function fakeQuantizeWithError(x: FloatArray, options?: QuantizeOptions): FakeQuantizeResult<FloatArray | Uint16Array> {
    const split = splitValuesOutput(options);
    const p = plan(x, split.options, backend, 'fakeQuantizeWithError');
    const out = valuesOutput(split.out, p);
    const q = paramsOf(p, split.options);
    if (p.half !== undefined) {
      const bits = fakeQuantizeHalf(p, q, out as Uint16Array | undefined);
      const wide = new Float32Array(bits.length);
      widenHalf(bits, p.half, 0, bits.length, wide);
      return { values: bits, error: errorReportSkippingNaN(p.x, wide), params: q };
    }
    const values = (out as FloatArray | undefined) ?? allocateFloat(p.dtype, p.x.length);
    if (p.granularity.kind === 'tensor' && backend.capabilities.fakeQuantize) {
      const error = backend.fakeQuantizeTensor(p.x, q.scale as number, q.zeroPoint as number, p.kernel, values);
      return { values, error: nanAwareReport(error, p.x, values), params: q };
    }
    const codes = allocateCodes(p.storage, p.x.length);
    runQuantize(backend, p, q, codes);
    runDequantize(backend, p.granularity, codes, q.scale, q.zeroPoint, values);
    return { values, error: errorReportSkippingNaN(p.x, values), params: q };
  }

  function fakeQuantize(x: FloatArray, options?: QuantizeOptions): FloatArray | Uint16Array {
    const split = splitValuesOutput(options);
    const p = plan(x, split.options, backend, 'fakeQuantize');
    const out = valuesOutput(split.out, p);
    const q = paramsOf(p, split.options);
    if (p.half !== undefined) return fakeQuantizeHalf(p, q, out as Uint16Array | undefined);
    if (p.granularity.kind === 'tensor' && backend.capabilities.fakeQuantize) {
      // No metrics wanted: the fused kernel's values-only variant, one pass per element and no codes in between.
      const values = (out as FloatArray | undefined) ?? allocateFloat(p.dtype, p.x.length);
      backend.fakeQuantizeTensorValues(p.x, q.scale as number, q.zeroPoint as number, p.kernel, values);
      return values;
    }
    const codes = allocateCodes(p.storage, p.x.length);
    runQuantize(backend, p, q, codes);
    const values = (out as FloatArray | undefined) ?? allocateFloat(p.dtype, p.x.length);
    runDequantize(backend, p.granularity, codes, q.scale, q.zeroPoint, values);
    return values;
  }

  return { quantize, dequantize, fakeQuantize, fakeQuantizeWithError, computeQParams, quantizationError, ...createGgmlApi(backend), ...createEmbeddingsApi(backend) } as QuantApi;
}

/**
 * Error metrics of `approx` against `reference`, in float64 (SPEC §6; metrics.ts for empty, all-zero and NaN inputs).
 * Plain arrays must hold numbers only (checked element by element; typed arrays of numbers need no check).
 */
export function quantizationError(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  const r = numbersInput(reference, 'reference');
  const a = numbersInput(approx, 'approx');
  if (r.length !== a.length) fail(ErrorCodes.SHAPE, `reference has ${r.length} elements but approx has ${a.length}`);
  return errorReportSkippingNaN(r, a);
}

function numbersInput(a: unknown, name: string): ArrayLike<number> {
  if (!isArrayLikeOfNumbers(a)) fail(ErrorCodes.INPUT_TYPE, `${name} must be an array of numbers, got ${describe(a)}`);
  if (typedArrayName(a) !== undefined) return checkedView(a as ArrayLike<number> & ArrayBufferView, name);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') fail(ErrorCodes.INPUT_TYPE, `${name}[${i}] must be a number, got ${describe(a[i])}`);
  }
  return a;
}
