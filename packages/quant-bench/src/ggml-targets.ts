import { formatSize } from './data.js';
import { formatRate } from './format.js';
import { ggmlQuantizeId } from './ops/ggml.js';
import type { TargetResult } from './results.js';
import { cellOf, rateTarget, type TargetInputs } from './target-cells.js';

/*
 * Issue 16's GGML targets, native AVX2 on one thread, float32 input of 16M elements (`--only ggml --sizes 16777216`),
 * else the largest size measured for the row; the reference backend's figure is given beside each:
 *   Q8_0, Q4_0 quantize  ≥ 1.5 G elements/s
 *   Q4_K, Q6_K quantize  ≥ 150 M elements/s (their `_ref` fits search up to 21 candidate scales per sub-block; upstream
 *                        ggml's `_ref` build on the same machine is measured by packages/quant-core/scripts/ggml-oracle)
 */

const SIZE = 16 << 20;
const G = 1e9;
const M = 1e6;

function sizeFor(r: TargetInputs, op: string): number {
  const sizes = r.rows.filter((row) => row.op === op).map((row) => row.size);
  return sizes.includes(SIZE) ? SIZE : sizes.reduce((m, s) => Math.max(m, s), 0) || SIZE;
}

function ggmlTarget(r: TargetInputs, format: 'q8_0' | 'q4_0' | 'q4_k' | 'q6_k', min: number): TargetResult {
  const op = ggmlQuantizeId(format);
  const size = sizeFor(r, op);
  const ref = cellOf(r, op, size, 'reference');
  return rateTarget(
    r,
    `native-ggml-${format}`,
    `native GGML ${format.toUpperCase()} quantize, ${formatSize(size)} float32, single thread`,
    op,
    size,
    'native-avx2',
    min,
    ref !== undefined ? `reference: ${formatRate(ref)}` : undefined,
  );
}

export function ggmlTargets(r: TargetInputs): TargetResult[] {
  return [ggmlTarget(r, 'q8_0', 1.5 * G), ggmlTarget(r, 'q4_0', 1.5 * G), ggmlTarget(r, 'q4_k', 150 * M), ggmlTarget(r, 'q6_k', 150 * M)];
}
