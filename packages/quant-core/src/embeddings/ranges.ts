import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import type { ResolvedInput } from '../half-input.js';
import type { FloatDType } from '../types.js';
import { isArrayLikeOfNumbers } from '../validate.js';
import { forEachRowRun } from './row-runs.js';
import type { EmbeddingRanges } from './types.js';

/*
 * Per-dimension ranges of int8/uint8 quantization (docs/EMBEDDINGS.md §2): from `ranges`, from calibration rows, or
 * from the batch itself; rounded to the working precision; then steps = fl(fl(max - min) / 255), as numpy computes
 * `(ranges[1] - ranges[0]) / 255` on float32 ranges.
 */

export interface WorkingRanges {
  readonly min: Float32Array | Float64Array;
  readonly max: Float32Array | Float64Array;
  readonly steps: Float32Array | Float64Array;
}

/** Per-dimension min and max of rows, NaN ignored (a dimension with no other value keeps +Infinity / -Infinity). */
export function minMaxOfRows(input: ResolvedInput, dim: number): EmbeddingRanges {
  const min = new Float64Array(dim).fill(Infinity);
  const max = new Float64Array(dim).fill(-Infinity);
  forEachRowRun(input, dim, (x) => {
    for (let i = 0, d = 0; i < x.length; i++, d = d + 1 === dim ? 0 : d + 1) {
      const v = x[i]!;
      if (v < min[d]!) min[d] = v;
      if (v > max[d]!) max[d] = v;
    }
  });
  return { min, max };
}

function checkBounds(bounds: unknown, dim: number, name: string): ArrayLike<number> {
  if (!isArrayLikeOfNumbers(bounds)) fail(ErrorCodes.OPTION, `${name} must be an array of ${dim} numbers, got ${describeValue(bounds)}`);
  if (bounds.length !== dim) fail(ErrorCodes.SHAPE, `${name} has ${bounds.length} values; dim is ${dim}`);
  for (let d = 0; d < dim; d++) {
    if (typeof bounds[d] !== 'number') fail(ErrorCodes.OPTION, `${name}[${d}] must be a number, got ${describeValue(bounds[d])}`);
  }
  return bounds;
}

/** The `ranges` option in any of its forms ({ min, max }, [min, max], or 2 * dim values) as min and max. */
export function rangesOption(ranges: unknown, dim: number): EmbeddingRanges {
  if (Array.isArray(ranges) && ranges.length === 2 && typeof ranges[0] === 'object' && ranges[0] !== null) {
    return { min: checkBounds(ranges[0], dim, 'ranges[0]'), max: checkBounds(ranges[1], dim, 'ranges[1]') };
  }
  if (isArrayLikeOfNumbers(ranges)) {
    const flat = checkBounds(ranges, 2 * dim, 'ranges');
    return { min: Array.prototype.slice.call(flat, 0, dim) as number[], max: Array.prototype.slice.call(flat, dim) as number[] };
  }
  if (typeof ranges === 'object' && ranges !== null && 'min' in ranges && 'max' in ranges) {
    const { min, max } = ranges as { min: unknown; max: unknown };
    return { min: checkBounds(min, dim, 'ranges.min'), max: checkBounds(max, dim, 'ranges.max') };
  }
  return fail(ErrorCodes.OPTION, `ranges must be { min, max }, [min, max] or an array of 2 * dim numbers, got ${describeValue(ranges)}`);
}

/**
 * min and max rounded to dtype, and their steps; ERR_QUANT_RANGE for a dimension without a usable range: a bound that
 * is NaN or infinite (or a dimension whose calibration values were all NaN), min > max, or a width max - min that
 * overflows the working precision. `source` names where the ranges came from, for the message.
 */
export function workingRanges(ranges: EmbeddingRanges, dim: number, dtype: FloatDType, source: string): WorkingRanges {
  const single = dtype === 'float32';
  const round = single ? Math.fround : (v: number) => v;
  const min = single ? new Float32Array(dim) : new Float64Array(dim);
  const max = single ? new Float32Array(dim) : new Float64Array(dim);
  const steps = single ? new Float32Array(dim) : new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    const lo = round(ranges.min[d]!);
    const hi = round(ranges.max[d]!);
    if (lo === Infinity && hi === -Infinity) fail(ErrorCodes.RANGE, `${source}: dimension ${d} has no value other than NaN`);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      fail(ErrorCodes.RANGE, `${source}: dimension ${d} has range [${lo}, ${hi}] (${dtype}); both ends must be finite`);
    }
    if (lo > hi) fail(ErrorCodes.RANGE, `${source}: dimension ${d} has min ${lo} > max ${hi}`);
    const width = round(hi - lo);
    if (width === Infinity) fail(ErrorCodes.RANGE, `${source}: dimension ${d} has range [${lo}, ${hi}], wider than the largest ${dtype}`);
    min[d] = lo;
    max[d] = hi;
    steps[d] = round(width / 255);
  }
  return { min, max, steps };
}
