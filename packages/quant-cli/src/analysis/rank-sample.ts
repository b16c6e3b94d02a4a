import type { FloatDtype } from '../formats/dtypes.js';
import type { TensorSource } from '../formats/tensor-source.js';
import type { TensorValues } from '../formats/tensor-values.js';
import { sampleForReport, type Sample } from '../report/sample.js';
import { analyzeTensorOffThread } from './analyze-off-thread.js';
import type { TensorAnalysis } from './analyze-tensor.js';
import { candidatesFor, type CandidateGrid } from './candidates.js';
import { rankTensor, type RankedTensor } from './ranking.js';

/** A tensor analysed on (a sample of) its values and ranked for its whole size: what compare and report show. */
export interface SampledRanking {
  readonly sample: Sample;
  readonly analysis: TensorAnalysis;
  readonly ranked: RankedTensor;
  /** Granularities and formats that did not apply, and how the sample was taken. */
  readonly notes: string[];
}

/**
 * Analyses a float tensor: on an evenly spaced sample of whole rows when it holds more than `maxElements` values
 * (report/sample.ts; a flat sample gets per-tensor candidates only), with the grid's candidates for its shape.
 * Sizes are those of the whole tensor; squared errors are the sample's MSE times the tensor's count.
 */
export async function rankSampled(t: TensorSource, x: TensorValues, grid: CandidateGrid, maxElements: number): Promise<SampledRanking> {
  return startRanking(t, x, grid, maxElements, false);
}

/**
 * rankSampled for a caller that releases x as soon as this returns (compare overlaps tensors): everything read from x
 * is copied before the first await, the sample included.
 */
export function rankSampledDetached(t: TensorSource, x: TensorValues, grid: CandidateGrid, maxElements: number): Promise<SampledRanking> {
  return startRanking(t, x, grid, maxElements, true);
}

async function startRanking(t: TensorSource, x: TensorValues, grid: CandidateGrid, maxElements: number, detach: boolean): Promise<SampledRanking> {
  const taken = sampleForReport(x, t.shape, maxElements);
  const sample = detach && taken.x === x ? { ...taken, x: { data: x.data.slice(), half: x.half } as TensorValues } : taken;
  // A flat sample lost the tensor's axes: only per-tensor candidates mean anything on it.
  const sampleGrid = sample.flattened ? { ...grid, granularities: ['tensor' as const], ggml: [] } : grid;
  const { candidates, formats, notes } = candidatesFor(sampleGrid, sample.shape);
  const analysis = await analyzeTensorOffThread(sample.x, sample.shape, candidates, formats);
  const ranked = rankTensor(analysis, t.shape, t.dtype as FloatDtype, sample.x.data.length);
  return { sample, analysis, ranked, notes: sample.note ? [sample.note, ...notes] : notes };
}
