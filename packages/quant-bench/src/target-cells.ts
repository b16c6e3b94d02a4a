import { formatRate, formatRatio } from './format.js';
import { isMeasured, type BenchResults, type ColumnId, type TargetResult } from './results.js';

/** What a target is evaluated against: the main table (and the thread and overhead sections) of one run. */
export type TargetInputs = Pick<BenchResults, 'rows' | 'overhead' | 'scaling' | 'kind' | 'bandwidth'>;

/** The median elements per second of one cell, or undefined when it was not measured. */
export function cellOf(r: TargetInputs, op: string, size: number, column: ColumnId): number | undefined {
  const c = r.rows.find((row) => row.op === op && row.size === size)?.cells[column];
  return isMeasured(c) ? c.eps : undefined;
}

/** Why a cell has no figure: a quick run, no such row, or the cell's own skip reason. */
export function whyMissing(r: TargetInputs, op: string, size: number, column: ColumnId): string {
  const row = r.rows.find((x) => x.op === op && x.size === size);
  if (row === undefined) return r.kind === 'quick' ? 'not measured (quick run)' : `not measured (no ${op} row at this size)`;
  const c = row.cells[column];
  return c !== undefined && 'skipped' in c ? `not measured: ${c.skipped}` : 'not measured';
}

/** A cell's figure against a fixed rate, with the two-thread and ONNX Runtime figures of the row beside it. */
export function rateTarget(r: TargetInputs, id: string, description: string, op: string, size: number, column: ColumnId, min: number, extra?: string): TargetResult {
  const v = cellOf(r, op, size, column);
  const target = `≥ ${formatRate(min)}`;
  if (v === undefined) return { id, description, target, measured: whyMissing(r, op, size, column), status: 'n/a' };
  const notes: string[] = [];
  if (column === 'native-avx2') {
    const two = cellOf(r, op, size, 'native-avx2-2t');
    if (two !== undefined) notes.push(`2 threads: ${formatRate(two)}`);
  }
  const ort = cellOf(r, op, size, 'ort-1t');
  if (ort !== undefined && column !== 'reference') notes.push(`ONNX Runtime 1 thread: ${formatRate(ort)} (${formatRatio(v / ort)})`);
  if (extra !== undefined) notes.push(extra);
  return { id, description, target, measured: formatRate(v), status: v >= min ? 'met' : 'not met', ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}
