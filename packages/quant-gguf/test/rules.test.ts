import { describe, expect, it } from 'vitest';
import { ggmlTypeName, planTensorTypes, recipeOf, type GgufTensorInfo, type RequantizeType, type TypeOverride } from '../src/index.js';
import { info, llamaInfos, llamaMetadata } from './helpers/infos.js';

type Plan = Record<string, string>;

function plan(type: RequantizeType, tensors: GgufTensorInfo[], metadata = llamaMetadata({ layers: 32 }), typeFor: TypeOverride[] = []): Plan {
  return Object.fromEntries(planTensorTypes(metadata, tensors, recipeOf(type), typeFor).map((p) => [p.tensor.name, ggmlTypeName(p.targetTypeId)]));
}

/** The layers (of 32) use_more_bits picks: the first and last eighth, and every third layer in between. */
const MORE_BITS_32 = [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31];
const layersOf = (p: Plan, tensor: string, type: string): number[] =>
  Object.entries(p)
    .filter(([n, t]) => n.endsWith(`.${tensor}.weight`) && t === type)
    .map(([n]) => Number(n.split('.')[1]))
    .sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("llama-quantize's mixes (32 layers, GQA 4, no experts)", () => {
  const tensors = llamaInfos({ layers: 32 });

  it('q4_k_m: attn_v and ffn_down Q6_K on the use_more_bits layers, output Q6_K, the rest Q4_K', () => {
    const p = plan('q4_k_m', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    expect(layersOf(p, 'attn_v', 'Q6_K')).toEqual(MORE_BITS_32);
    expect(layersOf(p, 'ffn_down', 'Q6_K')).toEqual(MORE_BITS_32);
    expect(layersOf(p, 'attn_v', 'Q4_K')).toEqual(range(32).filter((i) => !MORE_BITS_32.includes(i)));
    for (const n of ['attn_q', 'attn_k', 'attn_output', 'ffn_up', 'ffn_gate']) expect(layersOf(p, n, 'Q4_K')).toEqual(range(32));
    expect(p['output.weight']).toBe('Q6_K');
    expect(p['token_embd.weight']).toBe('Q4_K');
    expect(p['blk.0.attn_norm.weight']).toBe('F32');
    expect(p['output_norm.weight']).toBe('F32');
  });

  it('q5_k_m: the same layers Q6_K, the rest Q5_K', () => {
    const p = plan('q5_k_m', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    expect(layersOf(p, 'attn_v', 'Q6_K')).toEqual(MORE_BITS_32);
    expect(layersOf(p, 'ffn_down', 'Q6_K')).toEqual(MORE_BITS_32);
    expect(layersOf(p, 'attn_q', 'Q5_K')).toEqual(range(32));
    expect(p['output.weight']).toBe('Q6_K');
  });

  it('q4_k_s: the first 4 attn_v and the first eighth of ffn_down Q5_K', () => {
    const p = plan('q4_k_s', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    expect(layersOf(p, 'attn_v', 'Q5_K')).toEqual([0, 1, 2, 3]);
    expect(layersOf(p, 'ffn_down', 'Q5_K')).toEqual([0, 1, 2, 3]);
    expect(layersOf(p, 'ffn_down', 'Q4_K')).toEqual(range(32).slice(4));
    expect(p['output.weight']).toBe('Q6_K');
  });

  it('q5_k_s: Q5_K everywhere but the output (Q6_K)', () => {
    const p = plan('q5_k_s', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    for (const n of ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_up', 'ffn_gate', 'ffn_down']) expect(layersOf(p, n, 'Q5_K')).toEqual(range(32));
    expect(p['output.weight']).toBe('Q6_K');
  });

  it('q3_k_m: attn_v Q5_K for the first 2 then Q4_K, ffn_down Q5_K for the first sixteenth then Q4_K, attn_output Q4_K', () => {
    const p = plan('q3_k_m', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    expect(layersOf(p, 'attn_v', 'Q5_K')).toEqual([0, 1]);
    expect(layersOf(p, 'attn_v', 'Q4_K')).toEqual(range(32).slice(2));
    expect(layersOf(p, 'ffn_down', 'Q5_K')).toEqual([0, 1]);
    expect(layersOf(p, 'ffn_down', 'Q4_K')).toEqual(range(32).slice(2));
    expect(layersOf(p, 'attn_output', 'Q4_K')).toEqual(range(32));
    expect(layersOf(p, 'attn_q', 'Q3_K')).toEqual(range(32));
    expect(p['output.weight']).toBe('Q6_K');
  });

  it('q2_k: attn_v Q4_K with GQA >= 4 (Q3_K without), ffn_down and attn_output Q3_K, the rest Q2_K', () => {
    const p = plan('q2_k', llamaInfos({ layers: 32, ffnDownRow: 11264 }));
    expect(layersOf(p, 'attn_v', 'Q4_K')).toEqual(range(32));
    expect(layersOf(p, 'ffn_down', 'Q3_K')).toEqual(range(32));
    expect(layersOf(p, 'attn_output', 'Q3_K')).toEqual(range(32));
    expect(layersOf(p, 'ffn_up', 'Q2_K')).toEqual(range(32));
    expect(p['output.weight']).toBe('Q6_K');
    const mha = plan('q2_k', llamaInfos({ layers: 32, ffnDownRow: 11264 }), llamaMetadata({ layers: 32, heads: 32, kvHeads: 32 }));
    expect(layersOf(mha, 'attn_v', 'Q3_K')).toEqual(range(32));
  });

  it('uniform types give every eligible tensor the type, output included (llama-quantize --pure)', () => {
    const p = plan('q4_0', tensors);
    expect(new Set(Object.entries(p).filter(([n]) => !n.includes('norm')).map(([, t]) => t))).toEqual(new Set(['Q4_0']));
    expect(plan('q6_k', llamaInfos({ layers: 4, ffnDownRow: 11264 }))['output.weight']).toBe('Q6_K');
  });

  it('chooses in llama order (by layer, then name) whatever the file order', () => {
    const shuffled = [...llamaInfos({ layers: 32, ffnDownRow: 11264 })].reverse();
    expect(plan('q4_k_m', shuffled)).toEqual(plan('q4_k_m', llamaInfos({ layers: 32, ffnDownRow: 11264 })));
  });
});

describe('special models', () => {
  it('tied embeddings: without output.weight, token_embd gets the output type', () => {
    const tied = llamaInfos({ layers: 8, tied: true, ffnDownRow: 11264 });
    expect(plan('q4_k_m', tied, llamaMetadata({ layers: 8 }))['token_embd.weight']).toBe('Q6_K');
    expect(plan('q8_0', tied, llamaMetadata({ layers: 8 }))['token_embd.weight']).toBe('Q8_0');
  });

  it('falcon: output Q8_0; q4_k_m ffn_down Q6_K / Q5_K / Q4_K', () => {
    const p = plan('q4_k_m', llamaInfos({ layers: 32, ffnDownRow: 11264 }), llamaMetadata({ arch: 'falcon', layers: 32 }));
    expect(p['output.weight']).toBe('Q8_0');
    expect(layersOf(p, 'ffn_down', 'Q6_K')).toEqual([0, 1]);
    expect(layersOf(p, 'ffn_down', 'Q5_K')).toEqual(MORE_BITS_32.filter((i) => i >= 2));
    expect(layersOf(p, 'attn_output', 'Q4_K')).toEqual(range(32));
  });

  it('a 70B llama (80 layers, GQA): attn_v Q3_K/Q4_K raised to Q5_K', () => {
    const m = llamaMetadata({ layers: 80, heads: 64, kvHeads: 8 });
    const p = plan('q4_k_m', llamaInfos({ layers: 80, ffnDownRow: 28672 }), m);
    expect(layersOf(p, 'attn_v', 'Q4_K')).toEqual([]);
    expect(layersOf(p, 'attn_v', 'Q5_K').length + layersOf(p, 'attn_v', 'Q6_K').length).toBe(80);
    expect(layersOf(plan('q3_k_m', llamaInfos({ layers: 80, ffnDownRow: 28672 }), m), 'attn_v', 'Q5_K')).toEqual(range(80));
  });

  it('8 experts: attn_v and attn_k Q8_0, attn_output Q5_K; expert layers read from the names', () => {
    const infos = llamaInfos({ layers: 32, experts: true });
    const p = plan('q4_k_m', infos, llamaMetadata({ layers: 32, experts: 8 }));
    expect(layersOf(p, 'attn_v', 'Q8_0')).toEqual(range(32));
    expect(layersOf(p, 'attn_k', 'Q8_0')).toEqual(range(32));
    expect(layersOf(p, 'attn_output', 'Q5_K')).toEqual(range(32));
    expect(layersOf(p, 'ffn_down_exps', 'Q6_K')).toEqual(MORE_BITS_32);
    expect(p['blk.0.ffn_gate_inp.weight']).toBe('F32');
  });
});

describe('row-length fallbacks (tensor_type_fallback)', () => {
  it('rows not whole blocks of 256: Q4_K -> Q5_0, Q6_K -> Q8_0, Q5_K -> Q5_1, Q3_K/Q2_K -> Q4_0', () => {
    const infos = llamaInfos({ layers: 8, ffnDownRow: 288 });
    const m = llamaMetadata({ layers: 8 });
    const p = plan('q4_k_m', infos, m);
    // use_more_bits(i, 8): layers 0, 3, 6, 7 -> Q6_K -> Q8_0; the others Q4_K -> Q5_0
    expect(layersOf(p, 'ffn_down', 'Q8_0')).toEqual([0, 3, 6, 7]);
    expect(layersOf(p, 'ffn_down', 'Q5_0')).toEqual([1, 2, 4, 5]);
    expect(layersOf(plan('q5_k_s', infos, m), 'ffn_down', 'Q5_1')).toEqual(range(8));
    expect(layersOf(plan('q2_k', infos, m), 'ffn_down', 'Q4_0')).toEqual(range(8));
    expect(layersOf(plan('q3_k', infos, m), 'ffn_down', 'Q4_0')).toEqual(range(8));
    const notes = planTensorTypes(m, infos, recipeOf('q4_k'), []).filter((x) => x.note !== undefined);
    expect(notes.map((x) => x.tensor.name)).toEqual(range(8).map((i) => `blk.${i}.ffn_down.weight`));
  });

  it('rows not even whole blocks of 32: F16', () => {
    const p = plan('q4_k_m', [info('blk.0.ffn_down.weight', [100, 16]), info('blk.0.attn_v.weight', [4096, 16])], llamaMetadata({ layers: 1 }));
    expect(p['blk.0.ffn_down.weight']).toBe('F16');
  });

  it('the output of a mix with rows not whole blocks of 256: Q8_0', () => {
    expect(plan('q4_k_m', [info('output.weight', [288, 16])], llamaMetadata({ layers: 1 }))['output.weight']).toBe('Q8_0');
  });

  it('a legacy type has no fallback: E_GGUF_SHAPE, naming the tensor', () => {
    expect(() => plan('q8_0', [info('blk.0.ffn_down.weight', [100, 16])])).toThrow(expect.objectContaining({ code: 'E_GGUF_SHAPE', tensor: 'blk.0.ffn_down.weight' }));
  });
});

describe('eligibility and overrides', () => {
  it('keeps 1-D tensors (trailing 1s do not count), norms, biases, gating and position tensors', () => {
    const kept = [
      info('blk.0.attn_norm.weight', [4096, 1], 0),
      info('blk.0.attn_q.bias', [4096, 4], 0),
      info('blk.0.ffn_gate_inp.weight', [4096, 8], 0),
      info('position_embd.weight', [4096, 512], 1),
      info('blk.0.ssm_conv1d.weight', [4, 4096], 0),
    ];
    const p = plan('q4_k_m', kept, llamaMetadata({ layers: 1 }));
    expect(p).toEqual({ 'blk.0.attn_norm.weight': 'F32', 'blk.0.attn_q.bias': 'F32', 'blk.0.ffn_gate_inp.weight': 'F32', 'position_embd.weight': 'F16', 'blk.0.ssm_conv1d.weight': 'F32' });
  });

  it('typeFor: the first matching glob wins over the rules; the fallback still applies; ineligible tensors stay', () => {
    const infos = llamaInfos({ layers: 8, ffnDownRow: 288 });
    const p = plan('q4_k_m', infos, llamaMetadata({ layers: 8 }), [
      { glob: 'blk.[0-3].attn_v.weight', type: 'q8_0' },
      { glob: 'blk.*.attn_v.weight', type: 'q4_0' },
      { glob: 'output.weight', type: 'f16' },
      { glob: '*ffn_down*', type: 'q6_k' },
      { glob: '*norm*', type: 'q8_0' },
    ]);
    expect(layersOf(p, 'attn_v', 'Q8_0')).toEqual([0, 1, 2, 3]);
    expect(layersOf(p, 'attn_v', 'Q4_0')).toEqual([4, 5, 6, 7]);
    expect(p['output.weight']).toBe('F16');
    expect(layersOf(p, 'ffn_down', 'Q8_0')).toEqual(range(8));
    expect(p['blk.0.attn_norm.weight']).toBe('F32');
  });

  it('overridden tensors do not advance the attn_v counter, as upstream', () => {
    const p = plan('q3_k_m', llamaInfos({ layers: 8, ffnDownRow: 11264 }), llamaMetadata({ layers: 8 }), [{ glob: 'blk.0.attn_v.weight', type: 'q8_0' }]);
    expect(layersOf(p, 'attn_v', 'Q5_K')).toEqual([1, 2]);
  });

  it('tensors already quantized are copied, with a note', () => {
    const plans = planTensorTypes(llamaMetadata({ layers: 1 }), [info('blk.0.attn_q.weight', [4096, 8], 8)], recipeOf('q4_k'));
    expect(plans[0]).toMatchObject({ action: 'copy', targetTypeId: 8 });
    expect(plans[0]!.note).toMatch(/already Q8_0/);
  });

  it('bad options: E_GGUF_OPTION', () => {
    expect(() => recipeOf('q4_k_l')).toThrow(expect.objectContaining({ code: 'E_GGUF_OPTION' }));
    expect(() => plan('q4_k', [], undefined, [{ glob: '', type: 'q8_0' }])).toThrow(expect.objectContaining({ code: 'E_GGUF_OPTION' }));
    expect(() => plan('q4_k', [], undefined, [{ glob: 'a[', type: 'q8_0' }])).toThrow(expect.objectContaining({ code: 'E_GGUF_OPTION' }));
    expect(() => plan('q4_k', [], undefined, [{ glob: 'a', type: 'q9_9' as never }])).toThrow(expect.objectContaining({ code: 'E_GGUF_OPTION' }));
  });
});
