import { toCliError } from '../errors.js';
import type { TensorValues } from '../formats/tensor-values.js';
import { analyze, type AnalysisCandidate, type AnalysisRow } from '../lib.js';
import { candidateLabel } from './candidate-label.js';
import { measureGgml, type GgmlFormat, type GgmlRow } from './ggml-candidates.js';
import { halfAnalysis } from './half-analysis.js';

/** A candidate the library refused for this tensor (e.g. minmax on data holding ±Infinity). */
export interface FailedCandidate {
  readonly label: string;
  readonly message: string;
}

export interface TensorAnalysis {
  /** The measured rows, in grid order; exactly one is `best` when any has a number for its MSE, else none. */
  readonly rows: readonly AnalysisRow[];
  /** The GGML formats' rows, in the order asked. */
  readonly ggml: readonly GgmlRow[];
  readonly failed: readonly FailedCandidate[];
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
 * analyze() over the candidates (half bits: halfAnalysis, the error of the file quant quantize writes). One refused
 * candidate makes analyze throw for all, so then each candidate is measured on its own and the refused ones are
 * reported. Either way best is decided here (withBest), the same for every library version.
 */
export function analyzeTensor(x: TensorValues, shape: readonly number[], candidates: readonly AnalysisCandidate[], formats: readonly GgmlFormat[] = []): TensorAnalysis {
  const ggml = measureGgml(x, shape, formats);
  const own = analyzeQuantkit(x, shape, candidates);
  return { rows: own.rows, ggml: ggml.rows, failed: [...own.failed, ...ggml.failed] };
}

function analyzeQuantkit(x: TensorValues, shape: readonly number[], candidates: readonly AnalysisCandidate[]): Omit<TensorAnalysis, 'ggml'> {
  if (candidates.length === 0) return { rows: [], failed: [] };
  const measure = x.half === undefined ? (cs: readonly AnalysisCandidate[]) => analyze(x.data, cs, { shape }) : halfAnalysis(x.data, x.half, shape);
  try {
    return { rows: withBest(measure(candidates)), failed: [] };
  } catch (e) {
    if (!isQuantError(e)) throw e;
  }
  const rows: AnalysisRow[] = [];
  const failed: FailedCandidate[] = [];
  for (const c of candidates) {
    try {
      rows.push(measure([c])[0]!);
    } catch (e) {
      if (!isQuantError(e)) throw toCliError(e);
      failed.push({ label: candidateLabel(c), message: e.message });
    }
  }
  return { rows: withBest(rows), failed };
}
