/** Summary statistics of a tensor, in float64. NaN elements are counted and otherwise ignored. */
export interface TensorStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (numpy's default, ddof = 0). */
  readonly std: number;
  readonly nanCount: number;
  readonly infCount: number;
}

type Numeric = ArrayLike<number>;

export function tensorStats(x: Numeric): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) {
      nanCount++;
      continue;
    }
    if (v === Infinity || v === -Infinity) infCount++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  const mean = n === 0 ? NaN : sum / n;
  let sq = 0;
  if (Number.isFinite(mean)) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v === v) sq += (v - mean) * (v - mean);
    }
  }
  const std = n === 0 ? NaN : Number.isFinite(mean) ? Math.sqrt(sq / n) : NaN;
  return { count: x.length, min: n === 0 ? NaN : min, max: n === 0 ? NaN : max, mean, std, nanCount, infCount };
}

/** Numbers for a table: 6 significant digits, exponent form when very large or small, trailing zeros trimmed. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(4).replace(/\.?0+e/, 'e');
  const s = v.toPrecision(6);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** JSON cannot hold non-finite numbers: they become the strings "NaN", "Infinity", "-Infinity". */
export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}
