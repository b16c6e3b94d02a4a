/** How far from 1 a row's L2 norm may be and still count as normalized (float32 rounding stays far inside). */
const UNIT_TOLERANCE = 1e-3;

export interface Normalization {
  /** Rows whose norm was not 1 (within UNIT_TOLERANCE) and were divided by it. */
  readonly rescaled: number;
  /** Rows of norm 0, or holding NaN or ±Infinity: left as they are. */
  readonly unscalable: number;
}

/** Divides every row of `x` by its L2 norm, in place (the norm summed in float64), and counts what it changed. */
export function normalizeRows(x: Float32Array | Float64Array, dim: number): Normalization {
  let rescaled = 0;
  let unscalable = 0;
  for (let start = 0; start < x.length; start += dim) {
    let sum = 0;
    for (let i = start; i < start + dim; i++) sum += x[i]! * x[i]!;
    const norm = Math.sqrt(sum);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      unscalable++;
      continue;
    }
    if (Math.abs(norm - 1) <= UNIT_TOLERANCE) continue;
    rescaled++;
    for (let i = start; i < start + dim; i++) x[i] = x[i]! / norm;
  }
  return { rescaled, unscalable };
}
