import { codeValueFloat32, codeValueFloat64, scalarCodeKind } from './dequantize-value.js';
import { combineScoreLanes, SCORE_LANES } from './score-lanes.js';
import type { Int8Rounding } from './types.js';

/*
 * Asymmetric scoring (docs/EMBEDDINGS.md §5): a float query against int8/uint8 rows, each code replaced on the fly by
 * the value it stands for (dequantize-value.ts), terms in float64 summed in the lane order of score-lanes.ts:
 *   dot: q_i * v_i             (exact for float32 q and v: a product of two floats fits in a double)
 *   l2:  (q_i - v_i)^2         (d = q_i - v_i rounded to double, then d * d rounded: the squared distance, no root)
 * Precision: float32 when `starts` is a Float32Array (the query must then hold float32 values), float64 otherwise.
 * out.length rows are scored (rows holds at least out.length * dim codes). No allocation beyond 8 lane slots.
 */

type Metric = 'dot' | 'l2';

/** The arguments of both scans: rows of codes against `query`, scores into `out`. */
export type AsymmetricScanArgs = [
  query: Float32Array | Float64Array,
  rows: Int8Array | Uint8Array,
  starts: Float32Array | Float64Array,
  steps: Float32Array | Float64Array,
  dim: number,
  out: Float64Array,
  int8Rounding?: Int8Rounding,
];

function scanAsymmetric(metric: Metric, ...[query, rows, starts, steps, dim, out, int8Rounding = 'floor']: AsymmetricScanArgs): void {
  const kind = scalarCodeKind(rows instanceof Int8Array, int8Rounding);
  const value = starts instanceof Float32Array ? codeValueFloat32 : codeValueFloat64;
  const lanes = new Float64Array(SCORE_LANES);
  for (let r = 0; r < out.length; r++) {
    lanes.fill(0);
    const base = r * dim;
    for (let i = 0; i < dim; i++) {
      const v = value(rows[base + i]!, kind, starts[i]!, steps[i]!);
      const q = query[i]!;
      if (metric === 'dot') {
        lanes[i & 7] += q * v;
      } else {
        const d = q - v;
        lanes[i & 7] += d * d;
      }
    }
    out[r] = combineScoreLanes(lanes);
  }
}

/** out[r] = query . dequantized row r. */
export function dotScanAsymmetric(...args: AsymmetricScanArgs): void {
  scanAsymmetric('dot', ...args);
}

/** out[r] = |query - dequantized row r|^2. */
export function l2ScanAsymmetric(...args: AsymmetricScanArgs): void {
  scanAsymmetric('l2', ...args);
}
