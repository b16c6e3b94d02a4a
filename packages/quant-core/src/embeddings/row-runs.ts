import type { ResolvedInput } from '../half-input.js';
import { widenHalf } from '../half.js';
import type { FloatArray } from '../types.js';

/** Elements of the scratch a half input is widened into, a run of whole rows at a time (64 KiB). */
const RUN_ELEMENTS = 16384;

/**
 * Calls fn on consecutive runs of whole rows as float values, `firstRow` the index of the run's first row: a float
 * input in one run (itself), a half input widened exactly to float32, run by run, into one scratch array.
 */
export function forEachRowRun(input: ResolvedInput, dim: number, fn: (x: FloatArray, firstRow: number) => void): void {
  if (input.x !== undefined) {
    fn(input.x, 0);
    return;
  }
  const rows = input.length / dim;
  const rowsPerRun = Math.max(1, Math.floor(RUN_ELEMENTS / dim));
  const scratch = new Float32Array(Math.min(rows, rowsPerRun) * dim);
  for (let r = 0; r < rows; r += rowsPerRun) {
    const n = Math.min(rowsPerRun, rows - r);
    const x = n * dim === scratch.length ? scratch : scratch.subarray(0, n * dim);
    widenHalf(input.bits!, input.half!, r * dim, (r + n) * dim, x);
    fn(x, r);
  }
}
