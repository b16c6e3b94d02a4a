import { fail } from '../errors.js';
import { formatCalibration, type CalibrationSpec } from '../lib.js';
import { codeDtypeFor, DTYPE_SIZES, zeroPointDtypeFor, type CodeDtype, type FloatDtype } from './dtypes.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { parameterSizeProblem } from './parameter-limit.js';
import { elementCount } from './tensor-source.js';

/*
 * The layout of a quantized safetensors file (docs/FORMAT.md is the normative description; this is its code).
 *
 *   <name>             integer codes: I8/U8 (bits <= 8), I16/U16 (9..16 bits), original shape;
 *                      packed 2/4-bit codes: U8 bytes, shape [byte count], ONNX order (element 0 in the low bits)
 *   <name>.scale       the original's dtype for F64, F16 and BF16 originals (version 1: F32 for F16 / BF16), F32
 *                      for F32; shape [] per tensor, [C] per channel, the input shape with ceil(dim / block) on the
 *                      axis for blocks
 *   <name>.zero_point  the unpacked code dtype (U8/I8/U16/I16), same shape as the scale
 *   __metadata__       "quantkit.format" = FORMAT_ID, "quantkit.version" = library version,
 *                      "quantkit.tensor.<name>" = JSON of QuantizedRecord
 */

/** The format marker of a version of this layout. */
export function formatIdOf(version: number): string {
  return `quantkit.safetensors.v${version}`;
}

/**
 * The version of the layout this quant writes; FORMAT_ID names it in the metadata. Version 2 is version 1 with the
 * scales of F16 / BF16 originals stored in their own dtype (version 1 stored them as F32). Both are read.
 */
export const FORMAT_VERSION = 2;
export const FORMAT_ID = formatIdOf(FORMAT_VERSION);
/** The versions this quant reads. */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];
/** Format markers of any version of this layout (the version is the captured number). */
export const FORMAT_VERSION_PATTERN = /^quantkit\.safetensors\.v(\d+)$/;
export const FORMAT_KEY = 'quantkit.format';
export const VERSION_KEY = 'quantkit.version';
export const TENSOR_KEY_PREFIX = 'quantkit.tensor.';
export const SCALE_SUFFIX = '.scale';
export const ZERO_POINT_SUFFIX = '.zero_point';

export type GranularityName = 'tensor' | 'channel' | 'block';

/** What the metadata records for one quantized tensor (JSON, snake_case keys as in docs/FORMAT.md). */
export interface QuantizedRecord {
  readonly scheme: 'affine' | 'symmetric';
  readonly bits: number;
  readonly granularity: GranularityName;
  /** Normalised (non-negative) axis, or null per tensor. */
  readonly axis: number | null;
  readonly block_size: number | null;
  readonly profile: 'onnx' | 'pytorch';
  readonly packed: boolean;
  readonly narrow_range: boolean;
  /** dtype of the original tensor: F32, F16, BF16 or F64. */
  readonly dtype: FloatDtype;
  /** shape of the original tensor. */
  readonly shape: number[];
  /** names of the companion tensors. */
  readonly scale: string;
  readonly zero_point: string;
  /**
   * How the range of each group was chosen, in parseCalibration's text form ('minmax', 'percentile:99.9', 'mse', ...).
   * Always written by quant; absent in files written before it existed (they used minmax).
   */
  readonly calibration?: string;
}

/** How the user asked tensors to be quantized. */
export interface QuantSettings {
  readonly scheme: 'affine' | 'symmetric';
  readonly bits: number;
  readonly granularity: GranularityName;
  /** As given (may be negative); ignored per tensor. */
  readonly axis: number;
  readonly blockSize: number;
  readonly profile: 'onnx' | 'pytorch';
  readonly packed: boolean;
  readonly narrowRange: boolean;
  /** How ranges are chosen (--calibrate); { method: 'minmax' } by default. */
  readonly calibration: CalibrationSpec;
  /** Write scales and zero points larger than their data allows (--allow-large-params; see parameter-limit.ts). */
  readonly allowLargeParams?: boolean;
}

export interface EntryShape {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

const CODE_SIZES: Record<CodeDtype, number> = { I8: 1, U8: 1, I16: 2, U16: 2 };

/**
 * The dtype of a tensor's scales in a file of `version`: the scale type of ONNX DequantizeLinear (opset 21 ties it to
 * the input type), so F64, F16 and BF16 originals keep their dtype; version 1 stored F32 for F16 / BF16.
 */
export function scaleDtypeFor(original: FloatDtype, version = FORMAT_VERSION): FloatDtype {
  if (original === 'F16' || original === 'BF16') return version >= 2 ? original : 'F32';
  return original;
}

/** Resolves the axis against a tensor's rank, or explains why the settings do not fit the tensor. */
export function resolveAxis(settings: QuantSettings, shape: readonly number[]): number | null {
  if (settings.granularity === 'tensor') return null;
  const rank = shape.length;
  if (rank === 0) fail('QUANTIZATION', `a scalar has no axis for ${settings.granularity} quantization (exclude it with --exclude)`);
  const a = settings.axis;
  if (!Number.isInteger(a) || a < -rank || a >= rank) fail('QUANTIZATION', `axis ${a} is out of range for shape [${shape.join(', ')}] (rank ${rank})`);
  return a < 0 ? a + rank : a;
}

/** Shape of the scale and zero point tensors. */
export function scaleShapeOf(record: Pick<QuantizedRecord, 'granularity' | 'axis' | 'block_size' | 'shape'>): number[] {
  if (record.granularity === 'tensor') return [];
  const axis = record.axis!;
  if (record.granularity === 'channel') return [record.shape[axis]!];
  return record.shape.map((d, i) => (i === axis ? Math.ceil(d / record.block_size!) : d));
}

export function codeByteLength(record: Pick<QuantizedRecord, 'scheme' | 'bits' | 'packed' | 'shape'>): number {
  const n = elementCount(record.shape);
  if (record.packed) return Math.ceil((n * record.bits) / 8);
  return n * CODE_SIZES[codeDtypeFor(record.scheme, record.bits, false)];
}

/** The record for a tensor quantized with `settings` (validates the axis, and the parameter size, against the shape). */
export function recordFor(name: string, dtype: FloatDtype, shape: readonly number[], settings: QuantSettings): QuantizedRecord {
  const axis = resolveAxis(settings, shape);
  const record: QuantizedRecord = {
    scheme: settings.scheme,
    bits: settings.bits,
    granularity: settings.granularity,
    axis,
    block_size: settings.granularity === 'block' ? settings.blockSize : null,
    profile: settings.profile,
    packed: settings.packed,
    narrow_range: settings.narrowRange,
    dtype,
    shape: [...shape],
    scale: name + SCALE_SUFFIX,
    zero_point: name + ZERO_POINT_SUFFIX,
    calibration: formatCalibration(settings.calibration),
  };
  if (settings.allowLargeParams !== true) checkParameterSize(record);
  return record;
}

/** Refuses scales and zero points far larger than the data they describe (only an empty tensor can have them). */
function checkParameterSize(r: QuantizedRecord): void {
  const groups = elementCount(scaleShapeOf(r));
  const parameterBytes = groups * (DTYPE_SIZES[scaleDtypeFor(r.dtype)]! + CODE_SIZES[zeroPointDtypeFor(r.scheme, r.bits)]);
  const problem = parameterSizeProblem(groups, parameterBytes, elementCount(r.shape) * DTYPE_SIZES[r.dtype]!);
  if (problem !== undefined) fail('LIMIT', `${r.granularity} quantization${r.axis === null ? '' : ` along axis ${r.axis}`} would store ${problem}`);
}

/** The three safetensors entries of a quantized tensor in a file of `version`: codes, scale, zero point. */
export function entriesOf(name: string, r: QuantizedRecord, version = FORMAT_VERSION): [EntryShape, EntryShape, EntryShape] {
  const scaleShape = scaleShapeOf(r);
  const groups = elementCount(scaleShape);
  const scaleDtype = scaleDtypeFor(r.dtype, version);
  const zpDtype = zeroPointDtypeFor(r.scheme, r.bits);
  const codes: EntryShape = {
    name,
    dtype: codeDtypeFor(r.scheme, r.bits, r.packed),
    shape: r.packed ? [codeByteLength(r)] : r.shape,
    byteLength: codeByteLength(r),
  };
  return [
    codes,
    { name: r.scale, dtype: scaleDtype, shape: scaleShape, byteLength: groups * DTYPE_SIZES[scaleDtype]! },
    { name: r.zero_point, dtype: zpDtype, shape: scaleShape, byteLength: groups * CODE_SIZES[zpDtype] },
  ];
}

function isIntIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Parses and checks one "quantkit.tensor.<name>" metadata value. */
export function parseRecord(json: string, file: string, tensor: string): QuantizedRecord {
  const where = { file, tensor };
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(json) as Record<string, unknown>;
  } catch {
    fail('HEADER', `its quantkit metadata is not valid JSON`, where);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('HEADER', 'its quantkit metadata is not a JSON object', where);
  const duplicate = findDuplicateKey(json, 1);
  if (duplicate !== undefined) fail('DUPLICATE_NAME', `its quantkit metadata has the key '${duplicate.key}' twice`, where);
  const bad = (field: string): never => fail('HEADER', `its quantkit metadata has an invalid '${field}': ${JSON.stringify(v[field])}`, where);
  if (v.scheme !== 'affine' && v.scheme !== 'symmetric') bad('scheme');
  if (!isIntIn(v.bits, 2, 16)) bad('bits');
  if (v.granularity !== 'tensor' && v.granularity !== 'channel' && v.granularity !== 'block') bad('granularity');
  if (v.profile !== 'onnx' && v.profile !== 'pytorch') bad('profile');
  if (typeof v.packed !== 'boolean' || (v.packed && v.bits !== 2 && v.bits !== 4)) bad('packed');
  if (typeof v.narrow_range !== 'boolean') bad('narrow_range');
  if (v.dtype !== 'F32' && v.dtype !== 'F16' && v.dtype !== 'BF16' && v.dtype !== 'F64') bad('dtype');
  if (!Array.isArray(v.shape) || !v.shape.every((d) => isIntIn(d, 0, Number.MAX_SAFE_INTEGER))) bad('shape');
  const rank = (v.shape as number[]).length;
  if (v.granularity === 'tensor' ? v.axis !== null : !isIntIn(v.axis, 0, rank - 1)) bad('axis');
  if (v.granularity === 'block' ? !isIntIn(v.block_size, 1, Number.MAX_SAFE_INTEGER) : v.block_size !== null) bad('block_size');
  if (typeof v.scale !== 'string') bad('scale');
  if (typeof v.zero_point !== 'string') bad('zero_point');
  // Informational only (dequantizing does not need it), so any string is accepted: a newer quant may know more methods.
  if (v.calibration !== undefined && (typeof v.calibration !== 'string' || v.calibration === '')) bad('calibration');
  return v as unknown as QuantizedRecord;
}
