import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import { checkOptionKeys, optionsObject } from '../options.js';
import { floatInput } from '../validate.js';
import { checkQuantizedEmbeddings } from './check-quantized.js';
import type { EmbeddingKernels } from './kernels.js';
import { scoreOrder, selectBest, topKOn } from './top-k.js';
import type { BinaryQuantizedEmbeddings, ScalarQuantizedEmbeddings } from './types.js';

/*
 * Binary search with rescoring (docs/EMBEDDINGS.md §6): the query's bits against every binary row (Hamming distance,
 * top k * rescoreMultiplier, ties by lower row), then those candidates scored again against a finer copy of the same
 * corpus (int8/uint8 codes, asymmetrically, or the float rows) and the best k kept (ties by lower row). The scans run
 * on `kernels` (api.ts binds these functions to a backend).
 */

export type RescoreMetric = 'dot' | 'l2';

/** The corpus candidates are rescored against: int8/uint8 codes of it, or its float rows (rows * dim values). */
export type RescoreCorpus = ScalarQuantizedEmbeddings | Float32Array | Float64Array;

export interface BinaryRescoreOptions {
  readonly k: number;
  /** Candidates taken from the binary search: ceil(k * rescoreMultiplier), at most every row. Default 4. */
  readonly rescoreMultiplier?: number;
  /** 'dot' (default; larger is better) or 'l2' (the squared distance; smaller is better). */
  readonly metric?: RescoreMetric;
  readonly rescoreWith: RescoreCorpus;
}

export interface EmbeddingSearchResult {
  /** Row numbers, best first. */
  readonly indices: Uint32Array;
  /** Their rescored scores. */
  readonly scores: Float64Array;
}

const RESCORE_KEYS = ['k', 'rescoreMultiplier', 'metric', 'rescoreWith'];

/** Scores of the candidate rows against `query` (float64, the arithmetic of asymmetric-scan.ts / float-scan.ts). */
export function rescoreCandidatesOn(
  kernels: EmbeddingKernels,
  query: Float32Array | Float64Array,
  candidates: ArrayLike<number>,
  corpus: RescoreCorpus,
  dim: number,
  metric: RescoreMetric,
): Float64Array {
  const scores = new Float64Array(candidates.length);
  for (let c = 0; c < candidates.length; c++) {
    const start = candidates[c]! * dim;
    const one = scores.subarray(c, c + 1);
    if (ArrayBuffer.isView(corpus)) {
      const rows = corpus.subarray(start, start + dim);
      if (metric === 'dot') kernels.dotScanFloat(query, rows, dim, one);
      else kernels.l2ScanFloat(query, rows, dim, one);
    } else {
      const rows = corpus.data.subarray(start, start + dim);
      const rounding = corpus.int8Rounding ?? 'floor'; // uint8 codes have none; the kernels ignore it for them
      if (metric === 'dot') kernels.dotScanAsymmetric(query, rows, corpus.min, corpus.steps, dim, one, rounding);
      else kernels.l2ScanAsymmetric(query, rows, corpus.min, corpus.steps, dim, one, rounding);
    }
  }
  return scores;
}

function checkCount(value: unknown, name: string, min: number, integer: boolean): number {
  if (typeof value !== 'number' || !(value >= min) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    fail(ErrorCodes.OPTION, `${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

function checkCorpus(corpus: unknown, binary: BinaryQuantizedEmbeddings, query: Float32Array | Float64Array): RescoreCorpus {
  if (ArrayBuffer.isView(corpus)) {
    const rows = floatInput(corpus, 'rescoreWith');
    if (rows.length !== binary.rows * binary.dim) fail(ErrorCodes.SHAPE, `rescoreWith has ${rows.length} values; the binary rows need ${binary.rows} x ${binary.dim}`);
    return rows;
  }
  const q = checkQuantizedEmbeddings(corpus, 'rescoreWith');
  if (q.precision !== 'int8' && q.precision !== 'uint8') fail(ErrorCodes.OPTION, `rescoreWith must be int8 or uint8 codes or float rows, got precision '${q.precision}'`);
  if (q.rows !== binary.rows || q.dim !== binary.dim) fail(ErrorCodes.SHAPE, `rescoreWith is ${q.rows} x ${q.dim}; the binary rows are ${binary.rows} x ${binary.dim}`);
  const wanted = q.dtype === 'float32' ? Float32Array : Float64Array;
  if (!(query instanceof wanted)) fail(ErrorCodes.INPUT_TYPE, `query must be a ${wanted.name} to score against ${q.dtype} ranges`);
  return q;
}

/** The k best rows for `query`: binary search, then rescoring of the candidates (see above). */
export function searchBinaryRescoreOn(
  kernels: EmbeddingKernels,
  query: Float32Array | Float64Array,
  binary: BinaryQuantizedEmbeddings,
  options: BinaryRescoreOptions,
): EmbeddingSearchResult {
  const q = floatInput(query, 'query');
  const b = checkQuantizedEmbeddings(binary, 'binary');
  if (b.precision !== 'binary' && b.precision !== 'ubinary') fail(ErrorCodes.OPTION, `binary must have precision 'binary' or 'ubinary', got '${b.precision}'`);
  if (q.length !== b.dim) fail(ErrorCodes.SHAPE, `query has ${q.length} values; dim is ${b.dim}`);
  const o = optionsObject(options, 'searchBinaryRescore') as BinaryRescoreOptions;
  checkOptionKeys(o, RESCORE_KEYS);
  const k = checkCount(o.k, 'k', 0, true);
  const multiplier = o.rescoreMultiplier === undefined ? 4 : checkCount(o.rescoreMultiplier, 'rescoreMultiplier', 1, false);
  const metric = o.metric ?? 'dot';
  if (metric !== 'dot' && metric !== 'l2') fail(ErrorCodes.OPTION, `metric must be 'dot' or 'l2', got ${describeValue(metric)}`);
  const corpus = checkCorpus(o.rescoreWith, b, q);

  const bits = b.precision === 'binary' ? new Int8Array(b.bytesPerRow) : new Uint8Array(b.bytesPerRow);
  kernels.packBinaryRows(q, b.dim, b.precision, b.bitOrder, b.threshold, bits);
  const distances = new Uint32Array(b.rows);
  kernels.hammingScan(bits, b.data, b.bytesPerRow, distances);
  const candidates = topKOn(kernels.topKKernel, distances, Math.ceil(k * multiplier), 'ascending');

  const rescored = rescoreCandidatesOn(kernels, q, candidates, corpus, b.dim, metric);
  const best = selectBest(candidates.length, k, scoreOrder(rescored, metric === 'dot' ? 'descending' : 'ascending', candidates));
  const indices = new Uint32Array(best.length);
  const scores = new Float64Array(best.length);
  for (let i = 0; i < best.length; i++) {
    indices[i] = candidates[best[i]!]!;
    scores[i] = rescored[best[i]!]!;
  }
  return { indices, scores };
}
