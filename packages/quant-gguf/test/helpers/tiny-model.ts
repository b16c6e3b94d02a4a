import { numberToBfloat16, numberToFloat16, roundToHalf } from '@quantkit/quant';
import type { GgufMetadata, GgufTensorData, GgufValue } from '../../src/index.js';

export type FloatType = 'F32' | 'F16' | 'BF16';
const TYPE_ID: Record<FloatType, number> = { F32: 0, F16: 1, BF16: 30 };

export interface TinyModelOptions {
  readonly layers?: number;
  /** Row length of most tensors (a multiple of 256 for the K-quants). */
  readonly embd?: number;
  /** Row length of ffn_down (n_ff); not a multiple of 256 exercises llama-quantize's fallbacks. */
  readonly ffnDownRow?: number;
  readonly heads?: number;
  readonly kvHeads?: number;
  /** Without output.weight (the token embeddings double as the output). */
  readonly tied?: boolean;
  /** The float type of each 2-D tensor (1-D norms are always F32). */
  readonly dtypeOf?: (name: string) => FloatType;
  readonly alignment?: number;
  /** Put NaN in this tensor's data. */
  readonly nanIn?: string;
}

export interface TinyTensor extends GgufTensorData {
  /** The values the file holds, as float32 (half types already rounded). */
  readonly values: Float32Array;
}

export interface TinyModel {
  readonly metadata: GgufMetadata;
  readonly tensors: readonly TinyTensor[];
}

/** A deterministic generator (LCG), values in [-1, 1) with a few larger outliers. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out[i] = (u * 2 - 1) * (i % 97 === 0 ? 4 : 1);
  }
  return out;
}

function encode(x: Float32Array, dtype: FloatType): { data: Uint8Array; values: Float32Array } {
  if (dtype === 'F32') return { data: new Uint8Array(x.buffer.slice(0)), values: x };
  const bits = new Uint16Array(x.length);
  const rounded = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    bits[i] = dtype === 'F16' ? numberToFloat16(x[i]!) : numberToBfloat16(x[i]!);
    rounded[i] = roundToHalf(x[i]!, dtype === 'F16' ? 'float16' : 'bfloat16');
  }
  return { data: new Uint8Array(bits.buffer), values: rounded };
}

const u32 = (value: number): GgufValue => ({ type: 'uint32', value });

/** A llama-shaped model small enough to quantize to K-quants in the reference quickly (about 100k elements). */
export function tinyModel(options: TinyModelOptions = {}): TinyModel {
  const layers = options.layers ?? 8;
  const embd = options.embd ?? 256;
  const ffnDownRow = options.ffnDownRow ?? 512;
  const heads = options.heads ?? 4;
  const kvHeads = options.kvHeads ?? 1;
  const vocab = 16;
  const dtypeOf = options.dtypeOf ?? (() => 'F16');
  const metadata: GgufMetadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'tiny llama' }],
    ['general.file_type', u32(1)],
    ['llama.block_count', u32(layers)],
    ['llama.context_length', u32(128)],
    ['llama.embedding_length', u32(embd)],
    ['llama.feed_forward_length', u32(ffnDownRow)],
    ['llama.attention.head_count', u32(heads)],
    ['llama.attention.head_count_kv', u32(kvHeads)],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 9.999999747378752e-6 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', value: { itemType: 'string', items: Array.from({ length: vocab }, (_, i) => (i === 3 ? 'héllo ✓' : `tok${i}`)) } }],
    ['tokenizer.ggml.scores', { type: 'array', value: { itemType: 'float32', items: Array.from({ length: vocab }, (_, i) => -i / 2) } }],
    ['tokenizer.ggml.token_type', { type: 'array', value: { itemType: 'int32', items: Array.from({ length: vocab }, (_, i) => (i < 3 ? 3 : 1)) } }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
  ]);
  if (options.alignment !== undefined) metadata.set('general.alignment', u32(options.alignment));

  const tensors: TinyTensor[] = [];
  let seed = 1;
  const add = (name: string, shape: number[], dtype: FloatType): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = values(n, seed++);
    if (options.nanIn === name) x[n >> 1] = Number.NaN;
    const { data, values: v } = encode(x, dtype);
    tensors.push({ name, shape, typeId: TYPE_ID[dtype], data, values: v });
  };
  add('token_embd.weight', [embd, vocab], dtypeOf('token_embd.weight'));
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    add(`${p}attn_norm.weight`, [embd], 'F32');
    for (const [name, rows] of [['attn_q', 8], ['attn_k', 4], ['attn_v', 4], ['attn_output', 8]] as const) add(`${p}${name}.weight`, [embd, rows], dtypeOf(`${p}${name}.weight`));
    add(`${p}ffn_norm.weight`, [embd], 'F32');
    add(`${p}ffn_up.weight`, [embd, 8], dtypeOf(`${p}ffn_up.weight`));
    add(`${p}ffn_gate.weight`, [embd, 8], dtypeOf(`${p}ffn_gate.weight`));
    add(`${p}ffn_down.weight`, [ffnDownRow, 2], dtypeOf(`${p}ffn_down.weight`));
  }
  add('output_norm.weight', [embd], 'F32');
  if (options.tied !== true) add('output.weight', [embd, vocab], dtypeOf('output.weight'));
  return { metadata, tensors };
}
