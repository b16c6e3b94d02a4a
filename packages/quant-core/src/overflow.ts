import { referenceBackend } from './backend.js';
import { describeValue } from './describe-value.js';
import { ErrorCodes, fail } from './errors.js';
import { checkOptionKeys } from './options.js';
import { qparamsFromRange } from './params.js';
import { allocateCodes, storageSpec } from './storage.js';
import type { FloatDType, Profile, Scheme } from './types.js';
import { checkBoolean, checkProfile, checkScheme } from './validate.js';

/*
 * When dequantized values overflow (SPEC §3, "Range bound"). quantkit keeps onnxruntime's parameter arithmetic, so a
 * range close to the largest finite value of the precision can give a grid whose outermost steps lie beyond it: the
 * value of a code is rne(x / s) * s, up to half a step s/2 past x, and for affine ranges around 0 a tie at the edge
 * (x / s = -127.5 for [-A, A] in 8 bits) rounds outward. Those values round to ±Infinity when stored.
 */

/** Where the dequantized values are stored: the tensor's precision, or the half-precision formats files use. */
export type OverflowOutput = FloatDType | 'float16' | 'bfloat16';

export interface RangeOverflowOptions {
  readonly scheme?: Scheme;
  readonly bits?: number;
  readonly narrowRange?: boolean;
  readonly profile?: Profile;
  /** Precision of the tensor (its scale and its dequantized values); default 'float32'. */
  readonly dtype?: FloatDType;
  /** Format the dequantized values end up in; default `dtype`. */
  readonly output?: OverflowOutput;
}

const OPTION_KEYS = ['scheme', 'bits', 'narrowRange', 'profile', 'dtype', 'output'] as const;

/**
 * The smallest magnitude each format rounds to Infinity (round to nearest even: the midpoint between its largest
 * finite value and the next power of two). float32 and float64 values are checked directly for Infinity.
 */
const OVERFLOW_AT: Readonly<Record<'float16' | 'bfloat16', number>> = Object.freeze({
  float16: 65520, // (2 - 2^-11) * 2^15; the largest finite float16 is 65504
  bfloat16: (2 - 2 ** -8) * 2 ** 127, // the largest finite bfloat16 is (2 - 2^-7) * 2^127
});

/**
 * Whether some value in [min, max] dequantizes to ±Infinity (or past the largest value of `output`) with the
 * parameters quantize chooses for the range [min, max] ('minmax' on data spanning it). Exact, O(1): quantization is
 * monotone, so the extremes of the dequantized values are those of min and max, which this runs through the
 * reference kernels. A range too wide for any scale (ERR_QUANT_RANGE in quantize) overflows too. Values outside
 * [min, max] (clipped by a calibrator) saturate to qmin or qmax, whose values can lie further out (SPEC §3).
 */
export function rangeOverflows(min: number, max: number, options: RangeOverflowOptions = {}): boolean {
  if (typeof options !== 'object' || options === null) fail(ErrorCodes.OPTION, `rangeOverflows options must be an object, got ${describeValue(options)}`);
  checkOptionKeys(options, OPTION_KEYS);
  if (typeof min !== 'number' || typeof max !== 'number' || !(min <= max) || !Number.isFinite(min) || !Number.isFinite(max)) {
    fail(ErrorCodes.RANGE, `range must be finite with min <= max, got [${describeValue(min)}, ${describeValue(max)}]`);
  }
  const scheme = checkScheme(options.scheme);
  const storage = storageSpec(scheme, options.bits === undefined ? 8 : options.bits, checkBoolean(options.narrowRange, 'narrowRange'));
  const profile = checkProfile(options.profile);
  const dtype = options.dtype === undefined ? 'float32' : options.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') fail(ErrorCodes.OPTION, `dtype must be 'float32' or 'float64', got ${describeValue(dtype)}`);
  const output = options.output === undefined ? dtype : options.output;
  if (output !== 'float64' && output !== 'float32' && output !== 'float16' && output !== 'bfloat16') {
    fail(ErrorCodes.OPTION, `output must be 'float64', 'float32', 'float16' or 'bfloat16', got ${describeValue(output)}`);
  }
  const single = dtype === 'float32';
  let scale: number;
  let zeroPoint: number;
  try {
    ({ scale, zeroPoint } = qparamsFromRange(min, max, scheme, storage, dtype));
  } catch (error) {
    if ((error as { code?: unknown }).code === ErrorCodes.RANGE) return true; // no finite scale at all
    throw error;
  }
  const ends = single ? Float32Array.of(min, max) : Float64Array.of(min, max);
  if (!Number.isFinite(ends[0]!) || !Number.isFinite(ends[1]!)) return true; // beyond float32 before quantization
  const codes = allocateCodes(storage, 2);
  const values = single ? new Float32Array(2) : new Float64Array(2);
  // The reference kernels are the numeric contract every backend reproduces.
  referenceBackend.quantizeTensor(ends, scale, zeroPoint, { qmin: storage.qmin, qmax: storage.qmax, profile }, codes);
  referenceBackend.dequantizeTensor(codes, scale, zeroPoint, values);
  const limit = output === 'float16' || output === 'bfloat16' ? OVERFLOW_AT[output] : Infinity;
  return values.some((v) => !(Math.abs(v) < limit));
}
