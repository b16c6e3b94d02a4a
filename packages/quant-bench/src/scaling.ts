import type { Backend } from '@quantkit/quant-core';
import type { BackendColumn } from './backends.js';
import { benchInput } from './data.js';
import { measureInterleaved, type MeasureOptions } from './measure.js';
import type { Operation } from './ops/index.js';
import { isMeasured, type Row, type ScalingResult, type ScalingRow } from './results.js';

/*
 * Two threads against one: at 1M elements (4 MB of float32, cache-resident on most server CPUs, so memory bandwidth
 * does not cap the speed-up) for a few kernels, and across the whole main table (two threads must never be slower).
 */
export const SCALING_ELEMENTS = 1 << 20;
export const SCALING_OPERATIONS = ['quantize-tensor-u8', 'dequantize-tensor-u8', 'minmax', 'quantize-channel-i8', 'fake-quantize-u8'];
/** Two threads count as slower than one only below this ratio: timing noise on a shared 2-core machine is a few %. */
export const SLOWER_TOLERANCE = 0.95;

/**
 * Two threads against one over the main table. Compared on the fastest repetition of each cell: whether the
 * two-thread code path is slower is a property of the code, and the fastest repetition is the estimate least disturbed
 * by other processes and by calls that page-fault fresh memory (the medians are in the tables).
 */
export function compareThreads(rows: readonly Row[]): Pick<ScalingResult, 'worst' | 'slower' | 'tolerance'> {
  const slower: { op: string; size: number; ratio: number }[] = [];
  let worst: ScalingResult['worst'];
  for (const r of rows) {
    const a = r.cells['native-avx2'];
    const b = r.cells['native-avx2-2t'];
    if (!isMeasured(a) || !isMeasured(b)) continue;
    const ratio = b.bestEps / a.bestEps;
    if (worst === undefined || ratio < worst.ratio) worst = { op: r.op, size: r.size, ratio };
    if (ratio < SLOWER_TOLERANCE) slower.push({ op: r.op, size: r.size, ratio });
  }
  return { slower, tolerance: SLOWER_TOLERANCE, ...(worst ? { worst } : {}) };
}

export async function measureScaling(operations: readonly Operation[], columns: readonly BackendColumn[], rows: readonly Row[], options: MeasureOptions): Promise<ScalingResult> {
  const one = columns.find((c) => c.id === 'native-avx2')?.backend;
  const two = columns.find((c) => c.id === 'native-avx2-2t')?.backend;
  const { slower, worst } = compareThreads(rows);
  if (one === undefined || two === undefined) {
    return { rows: [], slower, tolerance: SLOWER_TOLERANCE, unavailable: 'native AVX2 backends unavailable', ...(worst ? { worst } : {}) };
  }
  const remeasured = await remeasureSlower(operations, one, two, slower, options);
  const confirmed = remeasured.filter((c) => c.ratio < SLOWER_TOLERANCE);
  const x = benchInput(SCALING_ELEMENTS, 11);
  const out: ScalingRow[] = [];
  for (const id of SCALING_OPERATIONS) {
    const op = operations.find((o) => o.id === id);
    if (op === undefined) continue;
    const prepared = op.prepare(x, { producer: one, withOrt: false });
    const [a, b] = await measureInterleaved(
      [
        { elements: SCALING_ELEMENTS, run: () => prepared.run(one) },
        { elements: SCALING_ELEMENTS, run: () => prepared.run(two) },
      ],
      options,
    );
    const oneThread = a!.elementsPerSecond;
    const twoThreads = b!.elementsPerSecond;
    out.push({ op: id, elements: SCALING_ELEMENTS, oneThread, twoThreads, speedup: twoThreads / oneThread });
  }
  return { rows: out, slower: confirmed, remeasured, tolerance: SLOWER_TOLERANCE, ...(worst ? { worst } : {}) };
}

/**
 * A main-table cell is measured once, with the two columns minutes apart; a burst from another process in between
 * flags a cell that is not slower. Each flagged cell is measured again with the two backends interleaved (same input,
 * alternating repetitions); only a cell that is slower in that measurement too counts. Returns every flagged cell with
 * its re-measured ratio.
 */
async function remeasureSlower(
  operations: readonly Operation[],
  one: Backend,
  two: Backend,
  slower: ScalingResult['slower'],
  options: MeasureOptions,
): Promise<ScalingResult['slower']> {
  const confirmed: { op: string; size: number; ratio: number }[] = [];
  for (const cell of slower) {
    const op = operations.find((o) => o.id === cell.op);
    if (op === undefined) {
      confirmed.push(cell);
      continue;
    }
    const prepared = op.prepare(benchInput(cell.size, 11), { producer: one, withOrt: false });
    const [a, b] = await measureInterleaved(
      [
        { elements: cell.size, run: () => prepared.run(one) },
        { elements: cell.size, run: () => prepared.run(two) },
      ],
      options,
    );
    confirmed.push({ ...cell, ratio: a!.bestSecondsPerCall / b!.bestSecondsPerCall });
  }
  return confirmed;
}
