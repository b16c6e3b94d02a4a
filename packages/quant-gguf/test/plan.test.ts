import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '@quantkit/quant';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runGgufCommand } from '../src/cli.js';
import { requantizeGguf } from '../src/index.js';
import { checkRequantized } from './helpers/check-output.js';
import { writeTinyModel } from './helpers/model-file.js';
import { listDir, useTempDir } from './helpers/temp-dir.js';
import { tinyModel } from './helpers/tiny-model.js';

// ggml type ids
const F16 = 1, Q8_0 = 8, Q4_K = 12, Q6_K = 14, F32 = 0;

const tempDir = useTempDir();
const model = tinyModel({ layers: 2 });
const plan = (tensors: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ format: 'quantkit.plan', version: 1, tensors, ...extra });

describe('requantizeGguf with a plan (docs/ANALYSIS.md plan format)', () => {
  it('the plan types the tensors it names or matches, keep copies, the rest follow the type; bytes as quantizeBlocks', async () => {
    const input = await writeTinyModel(tempDir(), model);
    const output = join(tempDir(), 'out.gguf');
    const p = parsePlan(plan([
      { name: 'blk.0.attn_q.weight', format: 'q8_0' },
      { match: 'blk.*.ffn_down.weight', format: 'q6_k' },
      { name: 'token_embd.weight', keep: true },
    ]));
    const result = await requantizeGguf(input, output, { type: 'q4_k', plan: p, threads: 1 });
    const types = await checkRequantized(output, model, result.fileType);
    expect(types['blk.0.attn_q.weight']).toBe(Q8_0);
    expect(types['blk.1.attn_q.weight']).toBe(Q4_K);
    expect([types['blk.0.ffn_down.weight'], types['blk.1.ffn_down.weight']]).toEqual([Q6_K, Q6_K]);
    expect(types['token_embd.weight']).toBe(F16);
    expect(result.tensors.find((t) => t.name === 'token_embd.weight')!.action).toBe('copy');
  });

  it('--type-for wins over the plan; the plan wins over a mix; its default covers the rest', async () => {
    const input = await writeTinyModel(tempDir(), model);
    const output = join(tempDir(), 'out.gguf');
    const p = parsePlan(plan([{ match: '*attn_q*', format: 'q8_0' }], { default: { format: 'q6_k' } }));
    await requantizeGguf(input, output, { type: 'q4_k_m', plan: p, typeFor: [{ glob: 'blk.1.attn_q.weight', type: 'q4_k' }], threads: 1 });
    const types = await checkRequantized(output, model, 15);
    expect([types['blk.0.attn_q.weight'], types['blk.1.attn_q.weight']]).toEqual([Q8_0, Q4_K]);
    expect(types['blk.0.ffn_up.weight']).toBe(Q6_K);
    expect(types['blk.0.attn_norm.weight']).toBe(F32);
  });

  it('a 1-D tensor or norm the plan names keeps its type, with a note', async () => {
    const input = await writeTinyModel(tempDir(), model);
    const result = await requantizeGguf(input, join(tempDir(), 'o.gguf'), { type: 'q8_0', plan: parsePlan(plan([{ name: 'blk.0.attn_norm.weight', format: 'q8_0' }])), threads: 1 });
    const norm = result.tensors.find((t) => t.name === 'blk.0.attn_norm.weight')!;
    expect(norm.to).toBe('F32');
    expect(norm.note).toMatch(/the plan's type is not applied/);
  });

  it("a tensor the file lacks, or quantkit's own format: E_GGUF_PLAN with the plan's code, nothing written", async () => {
    const input = await writeTinyModel(tempDir(), model);
    const output = join(tempDir(), 'o.gguf');
    const missing = parsePlan(plan([{ name: 'blk.9.attn_q.weight', format: 'q8_0' }]));
    await expect(requantizeGguf(input, output, { type: 'q8_0', plan: missing })).rejects.toMatchObject({ code: 'E_GGUF_PLAN', message: expect.stringContaining('ERR_QUANT_PLAN_UNKNOWN_TENSOR') });
    const quantkit = parsePlan(plan([{ name: 'blk.0.attn_q.weight', bits: 4 }]));
    await expect(requantizeGguf(input, output, { type: 'q8_0', plan: quantkit })).rejects.toMatchObject({ code: 'E_GGUF_PLAN', message: expect.stringContaining('ERR_QUANT_PLAN_NOT_APPLICABLE') });
    await expect(requantizeGguf(input, output, { type: 'q8_0', plan: { tensors: [] } as never })).rejects.toMatchObject({ code: 'E_GGUF_OPTION' });
    expect(existsSync(output)).toBe(false);
  });
});

describe('quant gguf --plan', () => {
  let err = '';
  beforeEach(() => {
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('applies the plan, notes a pattern that matches nothing; a bad plan file exits 2 (E_GGUF_PLAN), a missing one 3', async () => {
    const dir = tempDir();
    const input = await writeTinyModel(dir, model);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, plan([{ name: 'output.weight', format: 'q8_0' }, { match: 'nothing.*', format: 'q4_0' }]));
    const output = join(dir, 'out.gguf');
    expect(await runGgufCommand([input, '-o', output, '-t', 'q4_k', '--plan', planFile, '--threads', '1']), err).toBe(0);
    expect((await checkRequantized(output, model, 14))['output.weight']).toBe(Q8_0);
    expect(err).toContain("quant: note: --plan pattern 'nothing.*' matches no F32/F16/BF16 tensor");
    writeFileSync(planFile, '{ not json');
    const other = join(dir, 'other.gguf');
    expect(await runGgufCommand([input, '-o', other, '-t', 'q4_k', '--plan', planFile])).toBe(2);
    expect(err).toMatch(/plan\.json: --plan: .*ERR_QUANT_PLAN_SYNTAX.*\[E_GGUF_PLAN\]/);
    expect(await runGgufCommand([input, '-o', other, '-t', 'q4_k', '--plan', join(dir, 'missing.json')])).toBe(3);
    expect(err).toContain('[E_NOT_FOUND]');
    expect(listDir(dir)).toEqual([input.split('/').pop(), 'out.gguf', 'plan.json'].sort());
  });
});
