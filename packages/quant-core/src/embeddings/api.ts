import { supportTestOf, type Backend } from '../backend.js';
import { REFERENCE_EMBEDDING_KERNELS, type EmbeddingKernelName, type EmbeddingKernels } from './kernels.js';
import { quantizeEmbeddingsOn } from './quantize.js';
import { rescoreCandidatesOn, searchBinaryRescoreOn, type BinaryRescoreOptions, type EmbeddingSearchResult, type RescoreCorpus, type RescoreMetric } from './rescore.js';
import { topKOn } from './top-k.js';
import type { BinaryQuantizedEmbeddings, EmbeddingInput, QuantizedEmbeddings, QuantizeEmbeddingsOptions, ScoreOrder } from './types.js';

/*
 * The backend-bound embedding functions: validation once, in TypeScript, then the kernels of one backend. A call the
 * backend's capabilities do not cover (float64 data on a float32-only backend) runs the reference's kernel instead,
 * with the same results.
 */

export interface EmbeddingsApi {
  /** Quantizes rows of embeddings to int8 / uint8 codes or packed bits (docs/EMBEDDINGS.md). */
  quantizeEmbeddings(embeddings: EmbeddingInput, options: QuantizeEmbeddingsOptions): QuantizedEmbeddings;
  /** The k best rows for `query`: binary search, then rescoring of the candidates. */
  searchBinaryRescore(query: Float32Array | Float64Array, binary: BinaryQuantizedEmbeddings, options: BinaryRescoreOptions): EmbeddingSearchResult;
  /** Scores of the candidate rows against `query`. */
  rescoreCandidates(query: Float32Array | Float64Array, candidates: ArrayLike<number>, corpus: RescoreCorpus, dim: number, metric: RescoreMetric): Float64Array;
  /** Indices of the k best scores, best first (equal scores by lower index, NaN last); topKKernel for typed scores. */
  topK(scores: ArrayLike<number>, k: number, order: ScoreOrder): Uint32Array;
}

/** The functions on given kernels. */
export function embeddingsApiOn(kernels: EmbeddingKernels): EmbeddingsApi {
  return {
    quantizeEmbeddings: (embeddings, options) => quantizeEmbeddingsOn(kernels, embeddings, options),
    searchBinaryRescore: (query, binary, options) => searchBinaryRescoreOn(kernels, query, binary, options),
    rescoreCandidates: (query, candidates, corpus, dim, metric) => rescoreCandidatesOn(kernels, query, candidates, corpus, dim, metric),
    topK: (scores, k, order) => topKOn(kernels.topKKernel, scores, k, order),
  };
}

/** A backend's embedding kernels, each call it cannot serve going to the reference's. */
function supportedKernels(backend: Pick<Backend, 'capabilities' | EmbeddingKernelName>): EmbeddingKernels {
  const kernels: Record<string, unknown> = {};
  for (const name of Object.keys(REFERENCE_EMBEDDING_KERNELS) as EmbeddingKernelName[]) {
    const supported = supportTestOf(name) as (c: Backend['capabilities'], args: readonly unknown[]) => boolean;
    const own = (backend[name] as (...a: unknown[]) => void).bind(backend);
    const reference = REFERENCE_EMBEDDING_KERNELS[name] as (...a: unknown[]) => void;
    kernels[name] = (...args: unknown[]) => (supported(backend.capabilities, args) ? own(...args) : reference(...args));
  }
  return kernels as unknown as EmbeddingKernels;
}

/** quantizeEmbeddings / searchBinaryRescore / rescoreCandidates / topK on a backend's embedding kernels. */
export function createEmbeddingsApi(backend: Pick<Backend, 'capabilities' | EmbeddingKernelName>): EmbeddingsApi {
  return embeddingsApiOn(supportedKernels(backend));
}
