import { combineScoreLanes, SCORE_LANES } from './score-lanes.js';

/*
 * Exact-float scoring with the arithmetic of asymmetric-scan.ts (terms in float64, the lane order of score-lanes.ts):
 * the baseline that quantized search is measured against, and the rescoring of candidates with the original rows.
 * out.length rows are scored. No allocation beyond 8 lane slots.
 */

function scanFloat(l2: boolean, query: Float32Array | Float64Array, rows: Float32Array | Float64Array, dim: number, out: Float64Array): void {
  const lanes = new Float64Array(SCORE_LANES);
  for (let r = 0; r < out.length; r++) {
    lanes.fill(0);
    const base = r * dim;
    for (let i = 0; i < dim; i++) {
      const q = query[i]!;
      const x = rows[base + i]!;
      if (l2) {
        const d = q - x;
        lanes[i & 7] += d * d;
      } else {
        lanes[i & 7] += q * x;
      }
    }
    out[r] = combineScoreLanes(lanes);
  }
}

/** out[r] = query . row r. */
export function dotScanFloat(query: Float32Array | Float64Array, rows: Float32Array | Float64Array, dim: number, out: Float64Array): void {
  scanFloat(false, query, rows, dim, out);
}

/** out[r] = |query - row r|^2. */
export function l2ScanFloat(query: Float32Array | Float64Array, rows: Float32Array | Float64Array, dim: number, out: Float64Array): void {
  scanFloat(true, query, rows, dim, out);
}
