import type { TensorValues } from '../formats/tensor-values.js';
import type { AnalysisCandidate } from '../lib.js';
import type { TensorAnalysis } from './analyze-tensor.js';
import type { GgmlFormat } from './ggml-candidates.js';

/** What the main thread posts to the analysis worker (x's data is copied). */
export interface AnalysisRequest {
  readonly x: TensorValues;
  readonly shape: readonly number[];
  readonly candidates: readonly AnalysisCandidate[];
  readonly formats: readonly GgmlFormat[];
}

/** An error thrown in the worker, as plain data (classes do not cross threads). */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
}

export type AnalysisReply = { readonly ok: TensorAnalysis } | { readonly error: WorkerError };
