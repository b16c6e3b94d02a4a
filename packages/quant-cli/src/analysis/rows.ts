import type { AnalysisRow } from '../lib.js';
import { formatNumber, jsonNumber } from '../stats.js';
import type { TensorAnalysis } from './analyze-tensor.js';

/** The comparison table's columns, shared by `quant compare` (text) and `quant report` (HTML). */
export const ROW_HEADERS = ['best', 'candidate', 'mse', 'sqnr_db', 'max_abs_err', 'cosine'] as const;
/** Columns holding numbers (right-aligned). */
export const NUMERIC_COLUMNS: ReadonlySet<number> = new Set([2, 3, 4, 5]);

/** A comparison table: headers, cells (measured rows first, then refused ones) and its numeric columns. */
export interface ComparisonTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly numeric: ReadonlySet<number>;
}

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

/** Whether some row left NaN values out of its metrics. */
export function hasNaN(a: TensorAnalysis): boolean {
  return a.rows.some((r) => r.nanCount > 0);
}

/**
 * The table of a tensor's candidates. When the data holds NaN, a last column 'nan' says how many values each row's
 * metrics leave out (the metrics describe the other values).
 */
export function comparisonTable(a: TensorAnalysis): ComparisonTable {
  const measured = a.rows.map(rowCells);
  const refused = failedCells(a);
  if (!hasNaN(a)) return { headers: ROW_HEADERS, rows: [...measured, ...refused], numeric: NUMERIC_COLUMNS };
  return {
    headers: [...ROW_HEADERS, 'nan'],
    rows: [...measured.map((cells, i) => [...cells, String(a.rows[i]!.nanCount)]), ...refused.map((cells) => [...cells, ''])],
    numeric: new Set([...NUMERIC_COLUMNS, ROW_HEADERS.length]),
  };
}

/** One row as JSON; per-tensor scale and zero point are included, per-group arrays are not (they can be large). */
export function rowJson(r: AnalysisRow, rangeOverflows = false): Record<string, unknown> {
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
    nanCount: r.nanCount,
    best: r.best,
    rangeOverflows,
    scale: typeof scale === 'number' ? jsonNumber(scale) : null,
    zeroPoint: typeof zeroPoint === 'number' ? zeroPoint : null,
  };
}
