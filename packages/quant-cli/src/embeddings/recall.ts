import {
  dotScanAsymmetric,
  dotScanFloat,
  hammingScan,
  packBinaryRows,
  quantizeEmbeddings,
  searchBinaryRescore,
  topK,
  type BinaryQuantizedEmbeddings,
  type ScalarQuantizedEmbeddings,
} from './embeddings-lib.js';

/*
 * recall@k of quantized search against exact float search (docs/EMBEDDINGS.md §8): for each query, the share of the k
 * rows with the largest float dot products that a method also returns in its k. Ranges come from the corpus itself.
 */

export const RECALL_METHODS = ['int8-asymmetric', 'binary', 'binary-rescore-int8', 'binary-rescore-float'] as const;
export type RecallMethod = (typeof RECALL_METHODS)[number];

export interface MethodRecall {
  readonly method: RecallMethod;
  /** Bytes stored per corpus row by the method (binary codes plus what the rescoring reads). */
  readonly bytesPerVector: number;
  readonly mean: number;
  /** The lowest recall of any query. */
  readonly worst: number;
}

export interface RecallRun {
  readonly corpus: Float32Array | Float64Array;
  readonly queries: Float32Array | Float64Array;
  readonly dim: number;
  readonly k: number;
  readonly rescoreMultiplier: number;
  /** Called after each query (progress). */
  readonly onQuery?: () => void;
}

function overlap(found: ArrayLike<number>, exact: ReadonlySet<number>): number {
  let n = 0;
  for (let i = 0; i < found.length; i++) if (exact.has(found[i]!)) n++;
  return n;
}

export function measureRecall(run: RecallRun): MethodRecall[] {
  const { corpus, queries, dim, k, rescoreMultiplier } = run;
  const rows = corpus.length / dim;
  const int8 = quantizeEmbeddings(corpus, { dim, precision: 'int8' }) as ScalarQuantizedEmbeddings;
  const bits = quantizeEmbeddings(corpus, { dim, precision: 'ubinary' }) as BinaryQuantizedEmbeddings;
  const scores = new Float64Array(rows);
  const distances = new Uint32Array(rows);
  const queryBits = new Uint8Array(bits.bytesPerRow);
  const search: Record<RecallMethod, (query: Float32Array | Float64Array) => ArrayLike<number>> = {
    'int8-asymmetric': (query) => {
      dotScanAsymmetric(query, int8.data, int8.min, int8.steps, dim, scores, int8.int8Rounding);
      return topK(scores, k, 'descending');
    },
    binary: (query) => {
      packBinaryRows(query, dim, bits.precision, bits.bitOrder, bits.threshold, queryBits);
      hammingScan(queryBits, bits.data, bits.bytesPerRow, distances);
      return topK(distances, k, 'ascending');
    },
    'binary-rescore-int8': (query) => searchBinaryRescore(query, bits, { k, rescoreMultiplier, rescoreWith: int8 }).indices,
    'binary-rescore-float': (query) => searchBinaryRescore(query, bits, { k, rescoreMultiplier, rescoreWith: corpus }).indices,
  };
  const sums = new Map<RecallMethod, number>(RECALL_METHODS.map((m) => [m, 0]));
  const worst = new Map<RecallMethod, number>(RECALL_METHODS.map((m) => [m, 1]));
  const count = queries.length / dim;
  const wanted = Math.min(k, rows);
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    dotScanFloat(query, corpus, dim, scores);
    const exact = new Set(topK(scores, k, 'descending'));
    for (const method of RECALL_METHODS) {
      const recall = overlap(search[method](query), exact) / wanted;
      sums.set(method, sums.get(method)! + recall);
      worst.set(method, Math.min(worst.get(method)!, recall));
    }
    run.onQuery?.();
  }
  const floatBytes = corpus.BYTES_PER_ELEMENT * dim;
  const bytes: Record<RecallMethod, number> = {
    'int8-asymmetric': dim,
    binary: bits.bytesPerRow,
    'binary-rescore-int8': bits.bytesPerRow + dim,
    'binary-rescore-float': bits.bytesPerRow + floatBytes,
  };
  return RECALL_METHODS.map((method) => ({ method, bytesPerVector: bytes[method], mean: sums.get(method)! / count, worst: worst.get(method)! }));
}
