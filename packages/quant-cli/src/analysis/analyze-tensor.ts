import { toCliError } from '../errors.js';
import { analyze, type AnalysisCandidate, type AnalysisRow, type FloatArray } from '../lib.js';

/** A candidate the library refused for this tensor (e.g. minmax on data holding ±Infinity). */
export interface FailedCandidate {
  readonly label: string;
  readonly message: string;
}

export interface TensorAnalysis {
  /** The measured rows, in grid order; exactly one is `best` when there is any. */
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
 * analyze() over the candidates. One refused candidate makes analyze throw for all, so then each candidate is measured
 * on its own, the refused ones are reported, and best is the lowest MSE as analyze defines it (first of equals, NaN
 * never wins over a number).
 */
export function analyzeTensor(x: FloatArray, shape: readonly number[], candidates: readonly AnalysisCandidate[]): TensorAnalysis {
  if (candidates.length === 0) return { rows: [], failed: [] };
  try {
    return { rows: analyze(x, candidates, { shape }), failed: [] };
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
  let best = -1;
  rows.forEach((r, i) => {
    if (best < 0 || r.mse < rows[best]!.mse || (Number.isNaN(rows[best]!.mse) && !Number.isNaN(r.mse))) best = i;
  });
  return { rows: rows.map((r, i) => ({ ...r, best: i === best })), failed };
}
