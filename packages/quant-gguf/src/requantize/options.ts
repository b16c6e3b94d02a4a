import { availableParallelism } from 'node:os';
import type { QuantPlan } from '@quantkit/quant';
import { fail } from '../errors.js';
import type { TypeOverride } from './plan-types.js';
import type { RequantizeType } from './target-types.js';

/** Reported after each chunk of data and at the end of each tensor. */
export interface GgufProgress {
  /** 0-based index of the tensor in the file, and the number of tensors. */
  readonly index: number;
  readonly count: number;
  readonly name: string;
  /** ggml type names: "F16" -> "Q4_K". */
  readonly from: string;
  readonly to: string;
  readonly action: 'quantize' | 'convert' | 'copy';
  /** Input tensor bytes done so far (all tensors), and their total. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** The tensor is complete. */
  readonly tensorDone: boolean;
}

export interface RequantizeOptions {
  /** A uniform type (q8_0, q4_0, q4_1, q5_0, q5_1, q3_k, q4_k, q5_k, q6_k) or a llama-quantize mix (q4_k_m, q4_k_s, q5_k_m, q5_k_s, q3_k_m, q2_k). */
  readonly type: RequantizeType;
  /** Per-tensor types; the first glob matching a tensor's whole name wins over the plan and the type's own choice. */
  readonly typeFor?: readonly TypeOverride[];
  /**
   * A per-tensor plan (parsePlan / validatePlan of @quantkit/quant, docs/ANALYSIS.md): its GGML types ('keep': the
   * tensor's own type) win over the type's own choice; the tensors it says nothing of follow `type`.
   */
  readonly plan?: QuantPlan;
  /** Refuse tensors of an unknown ggml type (E_GGUF_TYPE) instead of copying them through. */
  readonly strict?: boolean;
  /**
   * Threads encoding chunks (default: the available parallelism, at most 8): the native backend's own threads, or
   * worker threads on the WebAssembly and reference backends. 1 runs everything on the calling thread.
   */
  readonly threads?: number;
  readonly onProgress?: (progress: GgufProgress) => void;
  /** Replace an existing output (default: E_GGUF_OUTPUT_EXISTS). */
  readonly force?: boolean;
  /** Stops the run between chunks (E_GGUF_ABORTED); nothing is left behind. */
  readonly signal?: AbortSignal;
}

const KEYS = new Set(['type', 'typeFor', 'plan', 'strict', 'threads', 'onProgress', 'force', 'signal']);
export const MAX_THREADS = 64;

export function defaultThreads(): number {
  return Math.min(availableParallelism(), 8);
}

/** The options checked (E_GGUF_OPTION), with the thread count resolved. */
export function checkOptions(options: RequantizeOptions): RequantizeOptions & { readonly threads: number } {
  if (typeof options !== 'object' || options === null) fail('E_GGUF_OPTION', 'requantizeGguf takes an options object with at least { type }');
  for (const key of Object.keys(options)) if (!KEYS.has(key)) fail('E_GGUF_OPTION', `unknown option '${key}' (known: ${[...KEYS].join(', ')})`);
  const threads = options.threads ?? defaultThreads();
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) fail('E_GGUF_OPTION', `threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  if (options.typeFor !== undefined && !Array.isArray(options.typeFor)) fail('E_GGUF_OPTION', 'typeFor must be an array of { glob, type }');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('E_GGUF_OPTION', 'onProgress must be a function');
  if (options.plan !== undefined && !(typeof options.plan === 'object' && options.plan !== null && options.plan.tensors instanceof Map)) fail('E_GGUF_OPTION', 'plan must be a validated plan (parsePlan / validatePlan of @quantkit/quant)');
  return { ...options, threads };
}
