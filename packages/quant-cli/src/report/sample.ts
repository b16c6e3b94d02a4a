import type { FloatArray } from '../lib.js';

/** The values a report analyses: the whole tensor, or an evenly spaced sample of it. */
export interface Sample {
  readonly x: FloatArray;
  readonly shape: readonly number[];
  /** The sample lost the tensor's axes (a flat sample): only per-tensor candidates make sense on it. */
  readonly flattened: boolean;
  /** How the sample was taken, for the page; undefined when it is the whole tensor. */
  readonly note: string | undefined;
}

function evenlySpaced(total: number, k: number): (j: number) => number {
  return (j) => Math.floor((j * total) / k);
}

/**
 * At most `limit` values of x. A larger tensor is sampled along its first axis (whole rows, evenly spaced, so the
 * other axes and their channels stay intact); when a single row is already too large, every (n / limit)-th value.
 * The sample has x's element type, so it is quantized with the same arithmetic.
 */
export function sampleForReport(x: FloatArray, shape: readonly number[], limit: number): Sample {
  const n = x.length;
  if (n <= limit) return { x, shape, flattened: false, note: undefined };
  const Ctor = x instanceof Float64Array ? Float64Array : Float32Array;
  const rows = shape[0] ?? 1;
  const rowSize = rows > 0 ? n / rows : n;
  if (shape.length >= 2 && rows > 1 && rowSize <= limit) {
    const k = Math.max(1, Math.floor(limit / rowSize));
    const pick = evenlySpaced(rows, k);
    const out = new Ctor(k * rowSize);
    for (let j = 0; j < k; j++) out.set(x.subarray(pick(j) * rowSize, (pick(j) + 1) * rowSize), j * rowSize);
    return {
      x: out,
      shape: [k, ...shape.slice(1)],
      flattened: false,
      note: `analysed on ${k} of the ${rows} rows along axis 0 (evenly spaced), ${out.length.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} values`,
    };
  }
  const pick = evenlySpaced(n, limit);
  const out = new Ctor(limit);
  for (let j = 0; j < limit; j++) out[j] = x[pick(j)]!;
  return {
    x: out,
    shape: [limit],
    flattened: true,
    note: `analysed on ${limit.toLocaleString('en-US')} evenly spaced values of ${n.toLocaleString('en-US')} (flattened: per-tensor candidates only)`,
  };
}
