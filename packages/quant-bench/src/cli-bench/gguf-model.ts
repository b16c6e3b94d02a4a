import { open, stat } from 'node:fs/promises';
import { GGML_TYPE, GgufWriter, type GgufMetadata, type GgufTensorSpec, type GgufValue } from '@quantkit/quant-gguf';
import { numberToFloat16 } from '@quantkit/quant-core';

/*
 * The GGUF input of `pnpm bench:cli`'s GGUF rows: a llama-shaped F16 model (embedding 2048, feed-forward 5632, 32 heads
 * with 4 KV heads, F32 norms) whose size is set by its layers and vocabulary. The default, 8 layers and a vocabulary
 * of 45056, is exactly 2^29 weights: 1 GiB of F16. Values are normal-ish (the sum of three uniforms), one 16 MiB
 * pattern reused at shifting offsets, written through @quantkit/quant-gguf's streaming writer.
 */

export const GGUF_EMBD = 2048;
const FFN = 5632;
const HEADS = 32;
const KV_HEADS = 4;
export const DEFAULT_LAYERS = 8;
export const DEFAULT_VOCAB = 45056;
const PATTERN = 8 << 20; // F16 values

const u32 = (value: number): GgufValue => ({ type: 'uint32', value });

function specs(layers: number, vocab: number): GgufTensorSpec[] {
  const out: GgufTensorSpec[] = [];
  const add = (name: string, shape: number[], typeId: number = GGML_TYPE.F16): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, typeId, byteLength: n * (typeId === GGML_TYPE.F32 ? 4 : 2) });
  };
  const kv = (GGUF_EMBD / HEADS) * KV_HEADS;
  add('token_embd.weight', [GGUF_EMBD, vocab]);
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    add(`${p}attn_norm.weight`, [GGUF_EMBD], GGML_TYPE.F32);
    add(`${p}attn_q.weight`, [GGUF_EMBD, GGUF_EMBD]);
    add(`${p}attn_k.weight`, [GGUF_EMBD, kv]);
    add(`${p}attn_v.weight`, [GGUF_EMBD, kv]);
    add(`${p}attn_output.weight`, [GGUF_EMBD, GGUF_EMBD]);
    add(`${p}ffn_norm.weight`, [GGUF_EMBD], GGML_TYPE.F32);
    add(`${p}ffn_gate.weight`, [GGUF_EMBD, FFN]);
    add(`${p}ffn_up.weight`, [GGUF_EMBD, FFN]);
    add(`${p}ffn_down.weight`, [FFN, GGUF_EMBD]);
  }
  add('output_norm.weight', [GGUF_EMBD], GGML_TYPE.F32);
  add('output.weight', [GGUF_EMBD, vocab]);
  return out;
}

function metadata(layers: number, vocab: number): GgufMetadata {
  return new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'quant-bench llama' }],
    ['general.file_type', u32(1)],
    ['llama.block_count', u32(layers)],
    ['llama.context_length', u32(4096)],
    ['llama.embedding_length', u32(GGUF_EMBD)],
    ['llama.feed_forward_length', u32(FFN)],
    ['llama.attention.head_count', u32(HEADS)],
    ['llama.attention.head_count_kv', u32(KV_HEADS)],
    ['llama.vocab_size', u32(vocab)],
  ]);
}

/** F16 bits of PATTERN normal-ish values (seeded LCG); F32 norms get ones. */
function pattern(): Uint16Array {
  const bits = new Uint16Array(PATTERN);
  let s = 12345;
  const u = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  for (let i = 0; i < PATTERN; i++) bits[i] = numberToFloat16((u() + u() + u() - 1.5) * 0.05);
  return bits;
}

export interface GgufBenchModel {
  readonly path: string;
  readonly bytes: number;
  /** Weights of the F16 tensors (what is re-quantized). */
  readonly weights: number;
  readonly layers: number;
  readonly vocab: number;
}

/** Writes the model to `path` (layers, vocab: see above). */
export async function writeGgufBenchModel(path: string, layers = DEFAULT_LAYERS, vocab = DEFAULT_VOCAB): Promise<GgufBenchModel> {
  const tensors = specs(layers, vocab);
  const f16 = new Uint8Array(pattern().buffer);
  const ones = new Uint8Array(new Float32Array(GGUF_EMBD).fill(1).buffer);
  const fh = await open(path, 'w');
  try {
    const writer = await GgufWriter.begin(fh, metadata(layers, vocab), tensors);
    let shift = 0;
    for (const t of tensors) {
      if (t.typeId === GGML_TYPE.F32) {
        await writer.write(ones);
        continue;
      }
      for (let done = 0; done < t.byteLength; ) {
        const start = (shift = (shift + 4098) % (f16.length / 2));
        const n = Math.min(t.byteLength - done, f16.length - start);
        await writer.write(f16.subarray(start, start + n));
        done += n;
      }
    }
    writer.finish();
  } finally {
    await fh.close();
  }
  const weights = tensors.filter((t) => t.typeId === GGML_TYPE.F16).reduce((a, t) => a + t.byteLength / 2, 0);
  const { size } = await stat(path);
  return { path, bytes: size, weights, layers, vocab };
}
