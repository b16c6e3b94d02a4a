import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeGguf, GgufReader, requantizeGguf, type GgufProgress, type RequantizeType } from '../src/index.js';
import { checkRequantized } from './helpers/check-output.js';
import { writeTinyModel } from './helpers/model-file.js';
import { useTempDir } from './helpers/temp-dir.js';
import { tinyModel, type FloatType, type TinyModel } from './helpers/tiny-model.js';

const tempDir = useTempDir();

/** F16 mostly, some F32 and BF16 tensors, as converted models mix them. */
const mixedDtypes = (name: string): FloatType => (name.includes('attn_k') || name === 'output.weight' ? 'F32' : name.includes('ffn_gate') ? 'BF16' : 'F16');

const modelFile = (model: TinyModel): Promise<string> => writeTinyModel(tempDir(), model);

const names = (types: Record<string, number>, type: number): string[] => Object.keys(types).filter((n) => types[n] === type);
const layers = (types: Record<string, number>, tensor: string, type: number): number[] =>
  names(types, type)
    .filter((n) => n.endsWith(`.${tensor}.weight`))
    .map((n) => Number(n.split('.')[1]));

// ggml type ids
const F32 = 0, F16 = 1, Q4_0 = 2, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14;

describe('requantizeGguf on a tiny llama (8 layers, F32/F16/BF16 data)', () => {
  const model = tinyModel({ dtypeOf: mixedDtypes });

  const uniform: [RequantizeType, number, number][] = [
    ['q8_0', Q8_0, 7],
    ['q4_0', Q4_0, 2],
    ['q5_1', Q5_1, 9],
    ['q4_k', Q4_K, 14],
    ['q6_k', Q6_K, 18],
  ];
  for (const [type, ggmlType, fileType] of uniform) {
    it(`${type}: every 2-D weight ${type}, norms kept F32, bytes equal to quantizeBlocks`, async () => {
      const input = await modelFile(model);
      const output = join(tempDir(), `${type}.gguf`);
      const result = await requantizeGguf(input, output, { type, threads: 1 });
      expect(result.fileType).toBe(fileType);
      const types = await checkRequantized(output, model, fileType);
      const twoD = model.tensors.filter((t) => t.shape.length === 2).map((t) => t.name);
      expect(names(types, ggmlType).sort()).toEqual(twoD.sort());
      expect(names(types, F32).every((n) => n.endsWith('norm.weight'))).toBe(true);
    });
  }

  it('q4_k_m: attn_v and ffn_down Q6_K on use_more_bits layers (0, 3, 6, 7 of 8), output Q6_K', async () => {
    const input = await modelFile(model);
    const output = join(tempDir(), 'q4_k_m.gguf');
    await requantizeGguf(input, output, { type: 'q4_k_m', threads: 1 });
    const types = await checkRequantized(output, model, 15);
    expect(layers(types, 'attn_v', Q6_K)).toEqual([0, 3, 6, 7]);
    expect(layers(types, 'ffn_down', Q6_K)).toEqual([0, 3, 6, 7]);
    expect(layers(types, 'attn_v', Q4_K)).toEqual([1, 2, 4, 5]);
    expect(types['output.weight']).toBe(Q6_K);
    expect(types['token_embd.weight']).toBe(Q4_K);
    expect(layers(types, 'ffn_gate', Q4_K)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('q3_k_m and q2_k: their attn_v, ffn_down and attn_output rules', async () => {
    const input = await modelFile(model);
    const q3 = join(tempDir(), 'q3_k_m.gguf');
    await requantizeGguf(input, q3, { type: 'q3_k_m', threads: 1 });
    const t3 = await checkRequantized(q3, model, 12);
    expect(layers(t3, 'attn_v', Q5_K)).toEqual([0, 1]);
    expect(layers(t3, 'ffn_down', Q4_K)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // 8 / 16 = 0 layers get Q5_K
    expect(layers(t3, 'attn_output', Q4_K).length).toBe(8);
    expect(layers(t3, 'attn_q', Q3_K).length).toBe(8);
    const q2 = join(tempDir(), 'q2_k.gguf');
    await requantizeGguf(input, q2, { type: 'q2_k', threads: 1 });
    const t2 = await checkRequantized(q2, model, 10);
    expect(layers(t2, 'attn_v', Q4_K).length).toBe(8); // GQA 4
    expect(layers(t2, 'ffn_down', Q3_K).length).toBe(8);
    expect(layers(t2, 'ffn_up', Q2_K).length).toBe(8);
    expect(t2['output.weight']).toBe(Q6_K);
  });

  it('q4_k_s, q5_k_s and q5_k_m', async () => {
    const input = await modelFile(model);
    for (const [type, fileType] of [['q4_k_s', 14], ['q5_k_s', 16], ['q5_k_m', 17]] as const) {
      const output = join(tempDir(), `${type}.gguf`);
      await requantizeGguf(input, output, { type, threads: 1 });
      const types = await checkRequantized(output, model, fileType);
      if (type === 'q4_k_s') {
        expect(layers(types, 'attn_v', Q5_K)).toEqual([0, 1, 2, 3]);
        expect(layers(types, 'ffn_down', Q5_K)).toEqual([0]);
      }
      if (type === 'q5_k_s') expect(layers(types, 'ffn_down', Q5_K).length).toBe(8);
      if (type === 'q5_k_m') expect(layers(types, 'ffn_down', Q6_K)).toEqual([0, 3, 6, 7]);
    }
  });

  it('falls back as llama-quantize does when rows are not whole K blocks', async () => {
    const odd = tinyModel({ ffnDownRow: 288, layers: 4, dtypeOf: mixedDtypes });
    const input = await modelFile(odd);
    const output = join(tempDir(), 'fallback.gguf');
    const result = await requantizeGguf(input, output, { type: 'q4_k_m', threads: 1 });
    const types = await checkRequantized(output, odd, 15);
    // use_more_bits(i, 4): layers 2 and 3 -> Q6_K -> Q8_0; layers 0 and 1 Q4_K -> Q5_0
    expect(layers(types, 'ffn_down', Q8_0)).toEqual([2, 3]);
    expect(layers(types, 'ffn_down', Q5_0)).toEqual([0, 1]);
    expect(result.tensors.filter((t) => t.note !== undefined).map((t) => t.name)).toEqual(['blk.0.ffn_down.weight', 'blk.1.ffn_down.weight', 'blk.2.ffn_down.weight', 'blk.3.ffn_down.weight']);
    const f16 = tinyModel({ ffnDownRow: 100, layers: 1, dtypeOf: () => 'F32' });
    const output2 = join(tempDir(), 'f16.gguf');
    await requantizeGguf(await modelFile(f16), output2, { type: 'q5_k_s', threads: 1 });
    expect((await checkRequantized(output2, f16, 16))['blk.0.ffn_down.weight']).toBe(F16);
  });

  it('typeFor overrides, the output alignment, and describeGguf of the result', async () => {
    const aligned = tinyModel({ layers: 2, alignment: 64 });
    const input = await modelFile(aligned);
    const output = join(tempDir(), 'override.gguf');
    await requantizeGguf(input, output, {
      type: 'q4_k',
      typeFor: [
        { glob: 'token_embd.weight', type: 'q8_0' },
        { glob: 'blk.1.*', type: 'q5_1' },
        { glob: 'output.weight', type: 'bf16' },
      ],
      threads: 1,
    });
    const types = await checkRequantized(output, aligned, 14);
    expect(types['token_embd.weight']).toBe(Q8_0);
    expect(layers(types, 'attn_q', Q5_1)).toEqual([1]);
    expect(layers(types, 'attn_q', Q4_K)).toEqual([0]);
    expect(types['output.weight']).toBe(30);
    expect(types['blk.1.attn_norm.weight']).toBe(F32);
    const summary = await describeGguf(output);
    expect(summary.alignment).toBe(64);
    const q4 = summary.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    expect(q4).toMatchObject({ type: 'Q4_K', shape: [256, 8], bytes: 8 * 144, bitsPerWeight: 4.5 });
    for (const t of summary.tensors) expect(t.offset % 64).toBe(0);
  });

  it('copies tensors it does not re-quantize byte for byte, unknown types included', async () => {
    const base = tinyModel({ layers: 1 });
    const extra = [
      { name: 'blk.0.attn_q.weight', shape: [32, 2], typeId: Q8_0, data: new Uint8Array(68).map((_, i) => i), values: new Float32Array(0) },
      { name: 'mystery', shape: [5], typeId: 77, data: new Uint8Array(64).map((_, i) => 200 - i), values: new Float32Array(0) },
    ];
    const model: TinyModel = { metadata: base.metadata, tensors: [...base.tensors.filter((t) => t.name !== 'blk.0.attn_q.weight'), ...extra] };
    const input = await modelFile(model);
    const output = join(tempDir(), 'copied.gguf');
    const result = await requantizeGguf(input, output, { type: 'q8_0', threads: 1 });
    expect(result.tensors.find((t) => t.name === 'mystery')).toMatchObject({ from: 'TYPE_77', to: 'TYPE_77', action: 'copy', bytesOut: 64 });
    const reader = await GgufReader.open(output);
    try {
      expect(await reader.readTensorBytes(reader.tensor('mystery')!)).toEqual(extra[1]!.data);
      expect(await reader.readTensorBytes(reader.tensor('blk.0.attn_q.weight')!)).toEqual(extra[0]!.data);
    } finally {
      await reader.close();
    }
    await expect(requantizeGguf(input, join(tempDir(), 'strict.gguf'), { type: 'q8_0', strict: true })).rejects.toMatchObject({ code: 'E_GGUF_TYPE', tensor: 'mystery' });
  });

  it('reads tensors a chunk at a time and reports progress per tensor', async () => {
    const big = tinyModel({ layers: 1, dtypeOf: () => 'F32' });
    const bigTensor = { name: 'blk.0.ffn_up.weight', shape: [256, 9216], typeId: F32, values: new Float32Array(256 * 9216).map((_, i) => Math.sin(i)) };
    const model: TinyModel = {
      metadata: big.metadata,
      tensors: big.tensors.map((t) => (t.name === bigTensor.name ? { ...bigTensor, data: new Uint8Array(bigTensor.values.buffer) } : t)),
    };
    const input = await modelFile(model);
    const reads: number[] = [];
    const original = GgufReader.prototype.readTensorBytes;
    const spy = function (this: GgufReader, ...args: Parameters<typeof original>): ReturnType<typeof original> {
      reads.push(args[2] ?? args[0].byteLength);
      return original.apply(this, args);
    };
    GgufReader.prototype.readTensorBytes = spy;
    const progress: GgufProgress[] = [];
    try {
      await requantizeGguf(input, join(tempDir(), 'chunked.gguf'), { type: 'q8_0', threads: 1, onProgress: (p) => progress.push(p) });
    } finally {
      GgufReader.prototype.readTensorBytes = original;
    }
    // 9 MiB of float32: two reads of at most 8 MiB (2M elements), never the whole tensor
    expect(Math.max(...reads)).toBeLessThanOrEqual(8 << 20);
    expect(reads.length).toBeGreaterThan(model.tensors.length);
    const done = progress.filter((p) => p.tensorDone);
    expect(done.map((p) => p.name)).toEqual(model.tensors.map((t) => t.name));
    expect(done.at(-1)!.bytesDone).toBe(done.at(-1)!.bytesTotal);
    expect(progress.some((p) => !p.tensorDone && p.name === bigTensor.name)).toBe(true);
  });
});
