import type { AnalysisRow } from '../lib.js';
import { formatNumber, jsonNumber } from '../stats.js';
import type { TensorAnalysis } from './analyze-tensor.js';

/** The comparison table's columns, shared by `quant compare` (text) and `quant report` (HTML). */
export const ROW_HEADERS = ['best', 'candidate', 'mse', 'sqnr_db', 'max_abs_err', 'cosine'] as const;
/** Columns holding numbers (right-aligned). */
export const NUMERIC_COLUMNS: ReadonlySet<number> = new Set([2, 3, 4, 5]);

/** Cosine similarity sits just below 1: fixed 8 decimals show where candidates differ. */
export function formatCosine(v: number): string {
  return Number.isFinite(v) ? v.toFixed(8) : formatNumber(v);
}

export function rowCells(r: AnalysisRow): string[] {
  return [r.best ? '*' : '', r.label, formatNumber(r.mse), formatNumber(r.sqnrDb), formatNumber(r.maxAbs), formatCosine(r.cosine)];
}

/** Rows the library refused, as table rows (their metrics are blank). */
export function failedCells(a: TensorAnalysis): string[][] {
  return a.failed.map((f) => ['', f.label, 'refused', '', '', '']);
}

/** One row as JSON; per-tensor scale and zero point are included, per-group arrays are not (they can be large). */
export function rowJson(r: AnalysisRow): Record<string, unknown> {
  const { scale, zeroPoint } = r.params;
  return {
    label: r.label,
    scheme: r.scheme,
    bits: r.bits,
    granularity: r.granularity,
    calibrator: r.calibrator,
    mse: jsonNumber(r.mse),
    rmse: jsonNumber(r.rmse),
    sqnrDb: jsonNumber(r.sqnrDb),
    maxAbs: jsonNumber(r.maxAbs),
    meanAbs: jsonNumber(r.meanAbs),
    cosine: jsonNumber(r.cosine),
    best: r.best,
    scale: typeof scale === 'number' ? jsonNumber(scale) : null,
    zeroPoint: typeof zeroPoint === 'number' ? zeroPoint : null,
  };
}
