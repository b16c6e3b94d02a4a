import type { GgufMetadata, GgufValue } from '../format/metadata-values.js';

/** What llama-quantize's rules read from the model's hyperparameters. */
export interface ModelParams {
  readonly arch: string;
  /** `<arch>.block_count`; without it, one more than the highest "blk.N." in the tensor names. */
  readonly layers: number;
  /** `<arch>.expert_count` (0 without it). */
  readonly experts: number;
  /** n_head / n_head_kv of layer 0 (llama's hparams.n_gqa(); 0 when n_head_kv is 0). */
  readonly gqa: number;
  /** llama's LLM_TYPE_70B: a llama with 80 layers and grouped-query attention. */
  readonly is70B: boolean;
}

/** An integer metadata value, or the first item of an integer array (per-layer values), else undefined. */
function firstInteger(v: GgufValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = v.type === 'array' ? v.value.items[0] : v.value;
  if (typeof x === 'number' && Number.isInteger(x)) return x;
  if (typeof x === 'bigint') return Number(x);
  return undefined;
}

/** The layer number of "blk.N.*" as sscanf("blk.%d.") reads it, or -1. */
export function layerOf(name: string): number {
  const m = /^blk\.\s*([+-]?\d+)/.exec(name);
  return m ? Number.parseInt(m[1]!, 10) : -1;
}

export function modelParams(metadata: GgufMetadata, tensorNames: readonly string[]): ModelParams {
  const archValue = metadata.get('general.architecture');
  const arch = archValue?.type === 'string' ? archValue.value : '';
  const get = (key: string): number | undefined => firstInteger(metadata.get(`${arch}.${key}`));
  const layers = get('block_count') ?? Math.max(0, ...tensorNames.map((n) => layerOf(n) + 1));
  const heads = get('attention.head_count') ?? 0;
  const kvHeads = get('attention.head_count_kv') ?? heads;
  return {
    arch,
    layers,
    experts: get('expert_count') ?? 0,
    gqa: kvHeads === 0 ? 0 : Math.trunc(heads / kvHeads),
    is70B: arch === 'llama' && layers === 80 && heads !== kvHeads,
  };
}
