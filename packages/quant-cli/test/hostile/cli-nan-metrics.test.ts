import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeQuantize } from '@quantkit/quant-core';
import { randomF32 } from '../helpers/data.js';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { f32Tensor, jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * One NaN in 100k values turned every compare/inspect metric into NaN, and compare still marked a "best" among the
 * NaN rows. Metrics now leave NaN values out (and count them), the CLI shows that count, and a row whose MSE is NaN
 * (data holding nothing but NaN) is never marked best.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const N = 100_000;
const NAN_AT = 50_000;
const oneNaN = randomF32(N, 91);
oneNaN[NAN_AT] = NaN;
const allNaN = new Float32Array(64).fill(NaN);
const model = join(tmp.dir, 'model.safetensors');
writeSafetensors(model, [f32Tensor('w', oneNaN), f32Tensor('dead', allNaN)]);

const ONE_CANDIDATE = ['--scheme', 'affine', '--bits', '8', '--calibrate', 'minmax'];
/** compare analyses every value (not a sample), so its MSE is the whole tensor's. */
const ALL_VALUES = ['--max-elements', String(N)];

/** The MSE of affine 8-bit minmax over the values that are not NaN, computed here from the library's fakeQuantize. */
function expectedMse(): number {
  const fq = fakeQuantize(oneNaN, { scheme: 'affine', bits: 8 });
  let sum = 0;
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (Number.isNaN(oneNaN[i]!)) continue;
    sum += (oneNaN[i]! - fq[i]!) ** 2;
    n++;
  }
  return sum / n;
}

interface Row {
  label: string;
  mse: number | string;
  cosine: number | string;
  nanCount: number;
  best: boolean;
}
interface Tensor {
  name: string;
  nanCount: number;
  rows: Row[];
}

describe('compare', () => {
  const run = () => jsonOf<{ files: { tensors: Tensor[] }[] }>(quantWithin(['compare', model, '--json', '--bits', '8,4', ...ALL_VALUES]));

  it('one NaN in 100k values: every metric is a number, the NaN is counted, and a best row is marked', () => {
    const w = run().files[0]!.tensors.find((t) => t.name === 'w')!;
    expect(w.nanCount).toBe(1);
    for (const r of w.rows) {
      expect(typeof r.mse).toBe('number');
      expect(typeof r.cosine).toBe('number');
      expect(r.nanCount).toBe(1);
    }
    expect(w.rows.filter((r) => r.best)).toHaveLength(1);
    const affine = w.rows.find((r) => r.label === 'affine uint8 per-tensor minmax')!;
    expect(affine.mse as number).toBeCloseTo(expectedMse(), 12);
  });

  it('a tensor of nothing but NaN has no best row (and NaN metrics, cosine included)', () => {
    const dead = run().files[0]!.tensors.find((t) => t.name === 'dead')!;
    expect(dead.rows.length).toBeGreaterThan(1);
    for (const r of dead.rows) {
      expect(r.best).toBe(false);
      expect(r.mse).toBe('NaN');
      expect(r.cosine).toBe('NaN');
      expect(r.nanCount).toBe(64);
    }
  });

  it('the table shows the NaN count and marks no best among NaN rows', () => {
    const r = quantWithin(['compare', model, ...ONE_CANDIDATE, ...ALL_VALUES]);
    expect(r.status).toBe(0);
    const [w, dead] = r.stdout.slice(r.stdout.indexOf('\nw  ')).split('\ndead  ');
    expect(w).toMatch(/mark {2}candidate .* cosine {2}nan\n/);
    expect(w).toMatch(/\*\+ {4}affine uint8 per-tensor minmax .* 1\n/); // best of its width, and the cheapest within 0.5 dB
    expect(w).toContain("note: NaN values are left out of every metric (column 'nan')");
    expect(dead!.slice(0, dead!.indexOf('whole file'))).not.toContain('*');
    expect(dead).toContain('note: no candidate is marked best: every MSE is NaN');
  });
});

describe('inspect', () => {
  it('counts NaN in the statistics and the cost, and computes both without it', () => {
    const out = jsonOf<{ files: { tensors: { name: string; stats: { nanCount: number; mean: number | string }; cost: { mse: number | string; nanCount: number } }[] }[] }>(
      quantWithin(['inspect', model, '--json', '--bits', '8']),
    );
    const w = out.files[0]!.tensors.find((t) => t.name === 'w')!;
    expect(w.stats.nanCount).toBe(1);
    expect(typeof w.stats.mean).toBe('number');
    expect(w.cost.nanCount).toBe(1);
    expect(w.cost.mse as number).toBeCloseTo(expectedMse(), 12);
    const dead = out.files[0]!.tensors.find((t) => t.name === 'dead')!;
    expect(dead.cost.mse).toBe('NaN');
    expect(dead.cost.nanCount).toBe(64);
  });

  it('shows nan and inf columns in its table', () => {
    const r = quantWithin(['inspect', model, '--bits', '8']);
    expect(r.status).toBe(0);
    const [header, , w, dead] = r.stdout.split('\n');
    expect(header).toMatch(/ std {2}nan {2}inf {2}quantization +mse /);
    expect(w).toMatch(/ 1 +0 /);
    expect(dead).toMatch(/ 64 +0 /);
    expect(r.stdout).toContain('note: the cost metrics leave out NaN values (65 in all)');
  });
});

describe('report', () => {
  it('marks a best candidate for the tensor with one NaN, and none for the all-NaN tensor', () => {
    const page = join(tmp.dir, 'r.html');
    const r = quantWithin(['report', model, '-o', page, '--json', ...ONE_CANDIDATE]);
    expect(r.status).toBe(0);
    const best = jsonOf<{ outputs: { best: { tensor: string; label: string }[] }[] }>(r).outputs[0]!.best;
    expect(best).toEqual([
      { tensor: 'w', label: 'affine uint8 per-tensor minmax' },
      { tensor: 'dead', label: '' },
    ]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('none (every candidate&#39;s MSE is NaN: the tensor holds no number to measure)');
    expect(html.match(/<tr class="best">/g)).toHaveLength(1);
  });
});
