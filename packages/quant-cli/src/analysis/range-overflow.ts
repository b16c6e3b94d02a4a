import type { FloatDtype } from '../formats/dtypes.js';
import { forEachNumberChunk, type TensorValues } from '../formats/tensor-values.js';
import { roundHalfEven, storageSpec, type FloatArray, type Profile, type QuantizedTensor } from '../lib.js';
import { formatNumber } from '../stats.js';

/*
 * quantkit keeps onnxruntime's parameter arithmetic, so a range close to the largest value of a precision gives a
 * grid whose outermost codes lie beyond it: affine 8-bit on [-3.4e38, 3.4e38] puts -3.4e38 on code 0, whose value
 * -128 * 2.67e36 = -3.41e38 float32 holds only as -Infinity; float16 files at ±65504 do the same once the values are
 * stored back as float16. quantize, inspect and compare warn about such tensors.
 *
 * Values are quantized and dequantized as the reference kernels do, in the tensor's precision (float32 for F32, F16
 * and BF16 originals, whose scales are half values, float64 for F64): q = saturate(rne(fl(x / s)) + zp) (pytorch:
 * fl(x * fl(1 / s))), value fl((q - zp) * s). Quantization is monotone, so the values of a group lie between those of the data's smallest and
 * largest finite values: the check is O(groups) plus, only when a grid's end codes reach past the dtype at all, one
 * pass for the data's finite extremes. (Per group it bounds the group's values by the whole tensor's extremes: exact
 * per tensor, cautious per channel or block.)
 */

/** The parameters of a quantized tensor or an analysis row, per tensor or per group, and how values were rounded. */
export interface GridParams {
  readonly scale: number | ArrayLike<number>;
  readonly zeroPoint: number | ArrayLike<number>;
  readonly qmin: number;
  readonly qmax: number;
  readonly profile?: Profile;
}

/** What overflows: how many groups, and the dequantized value of largest magnitude among them. */
export interface RangeOverflow {
  readonly groups: number;
  readonly reach: number;
}

/** The smallest magnitude each stored format rounds to Infinity (round to nearest even). */
const OVERFLOW_AT: Readonly<Record<FloatDtype, number>> = {
  F64: Infinity,
  F32: Infinity,
  F16: 65520, // the largest float16 is 65504; from halfway to the next power of two values round to Infinity
  BF16: (2 - 2 ** -8) * 2 ** 127,
};

const at = (v: number | ArrayLike<number>, g: number): number => (typeof v === 'number' ? v : v[g]!);

/** A group's arithmetic in the tensor's precision. */
class GroupArithmetic {
  private readonly fl: (v: number) => number;

  constructor(
    private readonly p: GridParams,
    dtype: FloatDtype,
  ) {
    this.fl = dtype === 'F64' ? (v) => v : Math.fround;
  }

  /** The value of code q in group g. */
  value(q: number, g: number): number {
    return this.fl((q - at(this.p.zeroPoint, g)) * at(this.p.scale, g));
  }

  /** The code of x in group g. */
  code(x: number, g: number): number {
    const s = this.fl(at(this.p.scale, g));
    const zp = at(this.p.zeroPoint, g);
    const t = this.p.profile === 'pytorch' ? this.fl(x * this.fl(1 / s)) : this.fl(x / s);
    // Clamped first, so the rounding trick of roundHalfEven stays exact (the kernels do the same).
    const q = roundHalfEven(Math.min(Math.max(t, this.p.qmin - zp - 1), this.p.qmax - zp + 1)) + zp;
    return Math.min(Math.max(q, this.p.qmin), this.p.qmax);
  }
}

/** The smallest and largest finite values, or undefined when there is none (half bits are widened chunk by chunk). */
function finiteExtent(x: TensorValues): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  forEachNumberChunk(x, (chunk: FloatArray) => {
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i]!;
      if (v < min && v > -Infinity) min = v;
      if (v > max && v < Infinity) max = v;
    }
  });
  return min <= max ? { min, max } : undefined;
}

function groupsOf(p: Pick<GridParams, 'scale'>): number {
  return typeof p.scale === 'number' ? 1 : p.scale.length;
}

/** The groups whose values, for codes in [lo(g), hi(g)], reach the overflow limit of the dtype. */
function overflowingGroups(p: GridParams, dtype: FloatDtype, codes: (g: number) => [number, number]): RangeOverflow | undefined {
  const arithmetic = new GroupArithmetic(p, dtype);
  const limit = OVERFLOW_AT[dtype];
  let count = 0;
  let reach = 0;
  for (let g = 0, n = groupsOf(p); g < n; g++) {
    const [lo, hi] = codes(g);
    const widest = Math.max(Math.abs(arithmetic.value(lo, g)), Math.abs(arithmetic.value(hi, g)));
    if (!Number.isFinite(at(p.scale, g)) || !(widest < limit)) {
      count++;
      if (!(widest <= reach)) reach = widest;
    }
  }
  return count === 0 ? undefined : { groups: count, reach };
}

/** Whether quantizing `x` with `p` gives values its dtype cannot hold (see above); undefined when it does not. */
export function rangeOverflow(p: GridParams, dtype: FloatDtype, x: TensorValues): RangeOverflow | undefined {
  // The grid's end codes bound every value: when they stay inside the dtype, nothing can overflow.
  if (overflowingGroups(p, dtype, () => [p.qmin, p.qmax]) === undefined) return undefined;
  const extent = finiteExtent(x);
  if (extent === undefined) return undefined;
  const arithmetic = new GroupArithmetic(p, dtype);
  return overflowingGroups(p, dtype, (g) => [arithmetic.code(extent.min, g), arithmetic.code(extent.max, g)]);
}

/** rangeOverflow of a quantized tensor and the values it was quantized from. */
export function tensorOverflow(qt: QuantizedTensor, dtype: FloatDtype, x: TensorValues): RangeOverflow | undefined {
  const { qmin, qmax } = storageSpec(qt.scheme, qt.bits, qt.narrowRange === true);
  return rangeOverflow({ scale: qt.scale, zeroPoint: qt.zeroPoint, qmin, qmax, profile: qt.profile }, dtype, x);
}

/**
 * For a quantized file, whose original values are gone: how many of its dequantized values lie beyond the dtype
 * (±Infinity in float32/float64, past ±65504 for float16 originals), and the largest magnitude among them.
 */
export function storedOverflow(values: FloatArray, dtype: FloatDtype): { count: number; reach: number } | undefined {
  const limit = OVERFLOW_AT[dtype];
  let count = 0;
  let reach = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a >= limit) {
      count++;
      if (a > reach) reach = a;
    }
  }
  return count === 0 ? undefined : { count, reach };
}

/** Number of scale groups of a quantized tensor or an analysis row's parameters. */
export function groupCount(p: Pick<GridParams, 'scale'>): number {
  return groupsOf(p);
}

export const DTYPE_NAMES: Readonly<Record<FloatDtype, string>> = { F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** What an overflowing grid does to the values of a tensor of this dtype. */
export function overflowEffect(dtype: FloatDtype): string {
  return dtype === 'F16' || dtype === 'BF16' ? `±Infinity once stored as ${DTYPE_NAMES[dtype]} (dequantize --original-dtype)` : '±Infinity when dequantized';
}

/** The warning for a quantized file's tensor (storedOverflow). */
export function describeStoredOverflow(o: { count: number; reach: number }, dtype: FloatDtype): string {
  const values = `${o.count} of its dequantized values`;
  if (!Number.isFinite(o.reach)) return `the range overflows its scale: ${values} ${o.count === 1 ? 'is' : 'are'} ±Infinity`;
  return `the range overflows its scale: ${values} ${o.count === 1 ? 'reaches' : 'reach'} ±${formatNumber(o.reach)}, beyond the largest ${DTYPE_NAMES[dtype]}: they become ${overflowEffect(dtype)}`;
}

/** One sentence for a warning: what overflows and what it does to the values. */
export function describeOverflow(o: RangeOverflow, dtype: FloatDtype, groups: number): string {
  const where = `the range overflows ${groups === 1 ? 'its scale' : `the scales of ${o.groups} of its ${groups} groups`}`;
  if (!Number.isFinite(o.reach)) return `${where}: values at the ends of the range come back as ±Infinity when dequantized (the grid reaches beyond the largest ${DTYPE_NAMES[dtype]})`;
  return `${where}: values at the ends of the range dequantize to ±${formatNumber(o.reach)}, beyond the largest ${DTYPE_NAMES[dtype]}: they become ${overflowEffect(dtype)}`;
}
