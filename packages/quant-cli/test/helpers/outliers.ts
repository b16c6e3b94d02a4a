import { rng } from './data.js';

/**
 * A weight-like tensor: a normal bulk (Box-Muller on the seeded generator, std `std`) with a few large outliers at
 * fixed places, the case calibration is for (minmax stretches its grid over the outliers).
 */
export function withOutliers(n: number, seed: number, outliers: Record<number, number>, std = 0.5): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r() || 1e-12;
    x[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * std;
  }
  for (const [i, v] of Object.entries(outliers)) x[Number(i)] = v;
  return x;
}
