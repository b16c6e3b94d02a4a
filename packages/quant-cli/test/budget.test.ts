import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveBudget, type BudgetOption } from '../src/analysis/budget.js';
import { numberToFloat16 } from '@quantkit/quant-core';
import { randomF32, rng } from './helpers/data.js';
import { withOutliers } from './helpers/outliers.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * --budget: the mix it picks is checked against exhaustive search over the same measured options, and the plan it
 * writes is applied by quant quantize --plan, whose output must hold exactly the bytes the mix was costed at.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

/** The least total error of one option per tensor within `budget` bits, by trying every combination. */
function exhaustive(tensors: readonly (readonly BudgetOption[])[], budget: number): number {
  let best = Infinity;
  const walk = (t: number, bits: number, error: number): void => {
    if (bits > budget) return;
    if (t === tensors.length) {
      best = Math.min(best, error);
      return;
    }
    for (const o of tensors[t]!) walk(t + 1, bits + o.storedBits, error + o.squaredError);
  };
  walk(0, 0, 0);
  return best;
}

function randomInstance(seed: number, tensors: number, options: number, sizeScale: number): BudgetOption[][] {
  const r = rng(seed);
  return Array.from({ length: tensors }, () => Array.from({ length: options }, () => ({ storedBits: Math.floor(r() * sizeScale), squaredError: r() * 100 })));
}

describe('solveBudget', () => {
  it('is the exact optimum when the sizes fit the grid, and says so', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const inst = randomInstance(seed, 4, 6, 1000);
      const budget = Math.floor(rng(seed + 100)() * 3000) + 200;
      const want = exhaustive(inst, budget);
      const got = solveBudget(inst, budget);
      if (want === Infinity) {
        expect(got, `seed ${seed}`).toBeUndefined();
        continue;
      }
      expect(got!.exact).toBe(true);
      expect(got!.totalBits).toBeLessThanOrEqual(budget);
      expect(got!.squaredError).toBeCloseTo(want, 9);
      expect(got!.choices.reduce((s, j, t) => s + inst[t]![j]!.storedBits, 0)).toBe(got!.totalBits);
    }
  });

  it('on a rounded grid, stays within the budget and is no worse than the optimum at budget - slack', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // Sizes of billions of bits with no common unit: the grid rounds them up.
      const inst = randomInstance(seed, 4, 6, 4e9);
      const budget = 9e9;
      const got = solveBudget(inst, budget)!;
      expect(got.exact).toBe(false);
      expect(got.slackBits).toBe(4 * got.unitBits);
      expect(got.totalBits).toBeLessThanOrEqual(budget);
      expect(got.squaredError).toBeGreaterThanOrEqual(exhaustive(inst, budget) - 1e-9);
      expect(got.squaredError).toBeLessThanOrEqual(exhaustive(inst, budget - got.slackBits) + 1e-9);
    }
  });
});

interface Row {
  label: string;
  kind: string;
  storedBits: number;
  squaredError: number;
  mse: number;
}
interface CompareJson {
  files: {
    tensors: { name: string; dtype: string; count: number; rows: Row[] }[];
    uniform: { choice: string; totalBits: number; squaredError: number; pareto: boolean }[];
    budget: { budgetBpw: number; weights: number; totalBits: number; squaredError: number; solver: { exact: boolean }; choices: { tensor: string; choice: string | null; kept: boolean; storedBits: number }[] } | null;
  }[];
}

describe('quant compare --budget', () => {
  const model = join(tmp.dir, 'model.safetensors');
  const w = withOutliers(8 * 64, 5, { 3: 9 });
  const h = Uint16Array.from(randomF32(16 * 32, 6, 0.05), (v) => numberToFloat16(v));
  const b = randomF32(32, 7, 0.1);
  writeSafetensorsSpec(model, [
    { name: 'w', dtype: 'F32', shape: [8, 64], bytes: bytesOf(w) },
    { name: 'h', dtype: 'F16', shape: [16, 32], bytes: bytesOf(h) },
    { name: 'b', dtype: 'F32', shape: [32], bytes: bytesOf(b) },
  ]);
  const GRID = ['--bits', '8,4,2', '--calibrate', 'minmax,mse', '--ggml', 'q4_0,q8_0'];
  const DTYPE_BITS: Record<string, number> = { F32: 32, F16: 16 };

  function compare(args: string[]): CompareJson {
    const r = quant(['compare', model, '--json', ...GRID, ...args]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as CompareJson;
  }

  it('picks the mix exhaustive search picks, for budgets from tight to loose', () => {
    for (const bpw of [2.7, 3.5, 4.4, 6, 9.5, 40]) {
      const file = compare(['--budget', String(bpw)]).files[0]!;
      const options = file.tensors.map((t) => [...t.rows.map((r) => ({ storedBits: r.storedBits, squaredError: r.squaredError })), { storedBits: t.count * DTYPE_BITS[t.dtype]!, squaredError: 0 }]);
      const weights = file.tensors.reduce((s, t) => s + t.count, 0);
      expect(options.map((o) => o.length)).toEqual([2 * 3 * 3 * 2 + 2 + 1, 2 * 3 * 3 * 2 + 2 + 1, 2 * 3 * 2 + 1]);
      const budget = file.budget!;
      expect(budget.weights).toBe(weights);
      expect(budget.solver.exact).toBe(true);
      expect(budget.totalBits).toBeLessThanOrEqual(bpw * weights);
      expect(budget.squaredError, `${bpw} bpw`).toBeCloseTo(exhaustive(options, bpw * weights), 12);
      // The mix's totals are its choices' sizes.
      expect(budget.choices.reduce((s, c) => s + c.storedBits, 0)).toBe(budget.totalBits);
    }
  }, 120_000);

  it('refuses a budget no mix fits, and bad flags', () => {
    const tight = quant(['compare', model, ...GRID, '--budget', '0.5']);
    expect(tight.status).toBe(2);
    expect(tight.stderr).toContain('no mix fits');
    for (const [args, text] of [
      [['--budget', '0'], '--budget must be bits per weight'],
      [['--budget', 'four'], '--budget must be bits per weight'],
      [['--plan-out', join(tmp.dir, 'p.json')], '--plan-out needs --budget'],
      [['--budget', '4', '--target', 'onnx'], '--target takes quantize, gguf, any'],
      [['--ggml', 'q4_2'], "--ggml takes"],
    ] as const) {
      const r = quant(['compare', model, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(text);
    }
  });

  it('the whole-file table: one row per choice, its size the sum of its tensors (kept ones in their dtype)', () => {
    const file = compare([]).files[0]!;
    const q40 = file.uniform.find((u) => u.choice === 'ggml q4_0')!;
    // q4_0 fits the two matrices (rows of 64 and 32); the vector b stays F32.
    expect(q40.totalBits).toBe((8 * 64 + 16 * 32) * 4.5 + 32 * 32);
    const front = file.uniform.filter((u) => u.pareto);
    for (const u of file.uniform) {
      const beaten = file.uniform.some((v) => v.totalBits <= u.totalBits && v.squaredError < u.squaredError) || file.uniform.some((v) => v.totalBits < u.totalBits && v.squaredError <= u.squaredError);
      if (u.pareto) expect(beaten, u.choice).toBe(false);
    }
    expect(front.length).toBeGreaterThan(2);
  });

  it('writes a plan that quant quantize --plan applies: each tensor as chosen, in exactly the bytes it was costed at', () => {
    const plan = join(tmp.dir, 'mix.plan.json');
    const file = compare(['--budget', '4.6', '--target', 'quantize', '--plan-out', plan]).files[0]!;
    const written = JSON.parse(readFileSync(plan, 'utf8')) as { format: string; version: number; tensors: { name: string; bits?: number; keep?: boolean; format?: string }[] };
    expect(written).toMatchObject({ format: 'quantkit.plan', version: 1 });
    expect(written.tensors.map((t) => t.name)).toEqual(['w', 'h', 'b']);
    expect(written.tensors.some((t) => t.format !== undefined)).toBe(false);
    const out = join(tmp.dir, 'mix.safetensors');
    const q = quant(['quantize', model, '--plan', plan, '-o', out]);
    expect(q.stderr).toBe('');
    expect(q.status).toBe(0);
    const st = readSafetensorsSpec(out);
    for (const choice of file.budget!.choices) {
      const entries = choice.kept ? [choice.tensor] : [choice.tensor, `${choice.tensor}.scale`, `${choice.tensor}.zero_point`];
      const bytes = entries.reduce((s, n) => s + st.tensors.get(n)!.bytes.length, 0);
      expect(bytes * 8, choice.tensor).toBe(choice.storedBits);
      if (choice.kept) continue;
      const record = JSON.parse(st.metadata![`quantkit.tensor.${choice.tensor}`]!) as { scheme: string; bits: number; granularity: string; calibration: string };
      const row = file.tensors.find((t) => t.name === choice.tensor)!.rows.find((r) => r.label === choice.choice)!;
      expect(choice.choice).toContain(`${record.scheme} ${record.scheme === 'symmetric' ? 'int' : 'uint'}${record.bits} `);
      expect(choice.choice!.endsWith(` ${record.calibration}`)).toBe(true);
      expect(row.kind).toBe('quantkit');
    }
  });

  it('quant quantize --plan: refuses GGML choices, unknown names and malformed plans with the plan codes; keeps what the plan keeps', () => {
    const write = (name: string, tensors: unknown[]): string => {
      const p = join(tmp.dir, name);
      writeFileSync(p, JSON.stringify({ format: 'quantkit.plan', version: 1, tensors }));
      return p;
    };
    const run = (plan: string): ReturnType<typeof quant> => quant(['quantize', model, '--plan', plan, '-o', join(tmp.dir, 'x.safetensors'), '--force']);
    const ggml = run(write('ggml.json', [{ name: 'w', format: 'q4_k' }]));
    expect(ggml.status).toBe(2);
    expect(ggml.stderr).toContain('ERR_QUANT_PLAN_NOT_APPLICABLE');
    const unknown = run(write('unknown.json', [{ name: 'nope', bits: 4 }]));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('ERR_QUANT_PLAN_UNKNOWN_TENSOR');
    const bad = run(write('bad.json', [{ name: 'w', bitz: 4 }]));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ERR_QUANT_PLAN_ENTRY');
    expect(bad.stderr).toContain('did you mean "bits"');
    const missing = run(join(tmp.dir, 'missing.json'));
    expect(missing.status).toBe(3);

    const mixed = run(write('mixed.json', [{ match: '*', keep: true }, { name: 'w', bits: 4, scheme: 'symmetric', granularity: 'channel' }]));
    expect(mixed.stderr).toBe('');
    expect(mixed.status).toBe(0);
    const st = readSafetensorsSpec(join(tmp.dir, 'x.safetensors'));
    expect(JSON.parse(st.metadata!['quantkit.tensor.w']!)).toMatchObject({ scheme: 'symmetric', bits: 4, granularity: 'channel', axis: 0 });
    expect(st.tensors.get('h')!.dtype).toBe('F16'); // kept: copied as it was
    expect(st.metadata!['quantkit.tensor.h']).toBeUndefined();
    expect(st.tensors.get('b')!.dtype).toBe('F32');
  });
});
