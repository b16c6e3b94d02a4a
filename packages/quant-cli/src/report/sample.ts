import type { TensorValues } from '../formats/tensor-values.js';

/** The values a report analyses: the whole tensor, or an evenly spaced sample of it. */
export interface Sample {
  readonly x: TensorValues;
  readonly shape: readonly number[];
  /** The sample lost the tensor's axes (a flat sample): only per-tensor candidates make sense on it. */
  readonly flattened: boolean;
  /** How the sample was taken, for the page; undefined when it is the whole tensor. */
  readonly note: string | undefined;
}

/** A new array of the same element type. */
function emptyLike(a: TensorValues['data'], length: number): TensorValues['data'] {
  if (a instanceof Uint16Array) return new Uint16Array(length);
  return a instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

function evenlySpaced(total: number, k: number): (j: number) => number {
  return (j) => Math.floor((j * total) / k);
}

/**
 * At most `limit` values of x. A larger tensor is sampled along its first axis (whole rows, evenly spaced, so the
 * other axes and their channels stay intact); when a single row is already too large, every (n / limit)-th value.
 * The sample has x's element type (half bits stay bits), so it is quantized with the same arithmetic.
 */
export function sampleForReport(x: TensorValues, shape: readonly number[], limit: number): Sample {
  const n = x.data.length;
  if (n <= limit) return { x, shape, flattened: false, note: undefined };
  const sampled = (picked: TensorValues['data']): TensorValues => ({ data: picked, half: x.half }) as TensorValues;
  const rows = shape[0] ?? 1;
  const rowSize = rows > 0 ? n / rows : n;
  if (shape.length >= 2 && rows > 1 && rowSize <= limit) {
    const k = Math.max(1, Math.floor(limit / rowSize));
    const pick = evenlySpaced(rows, k);
    const out = emptyLike(x.data, k * rowSize);
    for (let j = 0; j < k; j++) out.set(x.data.subarray(pick(j) * rowSize, (pick(j) + 1) * rowSize), j * rowSize);
    return {
      x: sampled(out),
      shape: [k, ...shape.slice(1)],
      flattened: false,
      note: `analysed on ${k} of the ${rows} rows along axis 0 (evenly spaced), ${out.length.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} values`,
    };
  }
  const pick = evenlySpaced(n, limit);
  const out = emptyLike(x.data, limit);
  for (let j = 0; j < limit; j++) out[j] = x.data[pick(j)]!;
  return {
    x: sampled(out),
    shape: [limit],
    flattened: true,
    note: `analysed on ${limit.toLocaleString('en-US')} evenly spaced values of ${n.toLocaleString('en-US')} (flattened: per-tensor candidates only)`,
  };
}
