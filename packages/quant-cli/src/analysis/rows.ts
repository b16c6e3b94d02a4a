import { formatNumber, jsonNumber } from '../stats.js';
import type { RankedRow, RankedTensor } from './ranking.js';

/** The comparison table's columns, shared by `quant compare` (text) and `quant report` (HTML). */
export const ROW_HEADERS = ['mark', 'candidate', 'bpw', 'mse', 'sqnr_db', 'max_abs_err', 'cosine'] as const;
/** Columns holding numbers (right-aligned). */
export const NUMERIC_COLUMNS: ReadonlySet<number> = new Set([2, 3, 4, 5, 6]);
/** What the marks mean, printed under the tables. */
export const MARK_LEGEND = "mark: '*' lowest MSE of its bit width; '+' fewest bits per weight within 0.5 dB SQNR of that width's best; bpw: bits per weight as stored (codes, scales, zero points)";

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

export function formatBpw(v: number): string {
  return v.toFixed(3);
}

export function markOf(r: RankedRow): string {
  return `${r.bestOfBits ? '*' : ''}${r.cheapest ? '+' : ''}`;
}

export function rowCells(r: RankedRow): string[] {
  return [markOf(r), r.label, formatBpw(r.bitsPerWeight), formatNumber(r.mse), formatNumber(r.sqnrDb), formatNumber(r.maxAbs), formatCosine(r.cosine)];
}

/** Rows the library refused, as table rows (their metrics are blank). */
export function failedCells(a: RankedTensor): string[][] {
  return a.failed.map((f) => ['', f.label, '', 'refused', '', '', '']);
}

/** Whether some row left NaN values out of its metrics. */
export function hasNaN(a: RankedTensor): boolean {
  return a.rows.some((r) => r.nanCount > 0);
}

/**
 * The table of a tensor's candidates. When the data holds NaN, a last column 'nan' says how many values each row's
 * metrics leave out (the metrics describe the other values).
 */
export function comparisonTable(a: RankedTensor): ComparisonTable {
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
export function rowJson(r: RankedRow, rangeOverflows = false): Record<string, unknown> {
  const params = r.row?.params;
  const c = r.choice;
  return {
    label: r.label,
    kind: c.kind,
    ...(c.kind === 'ggml' ? { format: c.format } : { scheme: c.scheme, granularity: r.row!.granularity, calibrator: c.calibrator }),
    bits: r.bits,
    bitsPerWeight: jsonNumber(r.bitsPerWeight),
    storedBits: r.storedBits,
    mse: jsonNumber(r.mse),
    rmse: jsonNumber(r.rmse),
    sqnrDb: jsonNumber(r.sqnrDb),
    maxAbs: jsonNumber(r.maxAbs),
    meanAbs: jsonNumber(r.meanAbs),
    cosine: jsonNumber(r.cosine),
    squaredError: jsonNumber(r.squaredError),
    nanCount: r.nanCount,
    best: r.best,
    bestOfBits: r.bestOfBits,
    cheapestWithinHalfDb: r.cheapest,
    rangeOverflows,
    scale: typeof params?.scale === 'number' ? jsonNumber(params.scale) : null,
    zeroPoint: typeof params?.zeroPoint === 'number' ? params.zeroPoint : null,
  };
}
