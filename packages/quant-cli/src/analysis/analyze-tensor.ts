import { toCliError } from '../errors.js';
import { analyze, type AnalysisCandidate, type AnalysisRow, type FloatArray } from '../lib.js';

/** A candidate the library refused for this tensor (e.g. minmax on data holding ±Infinity). */
export interface FailedCandidate {
  readonly label: string;
  readonly message: string;
}

export interface TensorAnalysis {
  /** The measured rows, in grid order; exactly one is `best` when any has a number for its MSE, else none. */
  readonly rows: readonly AnalysisRow[];
  readonly failed: readonly FailedCandidate[];
}

/** The label analyze would give (it gives none to a candidate that throws). */
function labelOf(c: AnalysisCandidate): string {
  const g = c.granularity ?? 'tensor';
  const gran = g === 'tensor' ? 'per-tensor' : 'blockSize' in g ? `axis ${g.axis} block ${g.blockSize}` : `axis ${g.axis}`;
  return `${c.scheme} ${c.scheme === 'symmetric' ? 'int' : 'uint'}${c.bits} ${gran} ${String(c.calibrator)}${c.narrowRange ? ' narrow' : ''}`;
}

function isQuantError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'QuantError';
}

/**
 * Marks the row with the lowest MSE as best (the first of equals). A NaN MSE is never best: when every row's MSE is
 * NaN (data holding nothing but NaN) no row is best, rather than the first of them.
 */
function withBest(rows: readonly AnalysisRow[]): AnalysisRow[] {
  let best = -1;
  rows.forEach((r, i) => {
    if (!Number.isNaN(r.mse) && (best < 0 || r.mse < rows[best]!.mse)) best = i;
  });
  return rows.map((r, i) => (r.best === (i === best) ? r : { ...r, best: i === best }));
}

/**
 * analyze() over the candidates. One refused candidate makes analyze throw for all, so then each candidate is measured
 * on its own and the refused ones are reported. Either way best is decided here (withBest), the same for every
 * library version.
 */
export function analyzeTensor(x: FloatArray, shape: readonly number[], candidates: readonly AnalysisCandidate[]): TensorAnalysis {
  if (candidates.length === 0) return { rows: [], failed: [] };
  try {
    return { rows: withBest(analyze(x, candidates, { shape })), failed: [] };
  } catch (e) {
    if (!isQuantError(e)) throw e;
  }
  const rows: AnalysisRow[] = [];
  const failed: FailedCandidate[] = [];
  for (const c of candidates) {
    try {
      rows.push(analyze(x, [c], { shape })[0]!);
    } catch (e) {
      if (!isQuantError(e)) throw toCliError(e);
      failed.push({ label: labelOf(c), message: e.message });
    }
  }
  return { rows: withBest(rows), failed };
}
