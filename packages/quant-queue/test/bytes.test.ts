import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant } from './helpers/quant.js';
import { redisAvailable } from './helpers/redis-server.js';
import { sameTree, submit, world, type World } from './helpers/setup.js';
import { writeSafetensors, type TensorSpec } from './helpers/tensors.js';

/*
 * The distributed path writes the bytes of one `quant quantize` process: every granularity with min/max on tensors
 * split into row shards (a tiny --split-elements), every calibrator on tensors that are not split, and the split
 * policy for calibrators (docs/DISTRIBUTED.md): groups within rows split, groups spanning rows not.
 */

const SPLIT = ['--split-elements', '64'];

/** Tensors of several ranks, dtypes and row counts (odd ones: the last shard is short). */
const TENSORS: TensorSpec[] = [
  { name: 'w2', dtype: 'F32', shape: [37, 12] },
  { name: 'w3', dtype: 'F32', shape: [9, 5, 6] },
  { name: 'v1', dtype: 'F32', shape: [301] },
  { name: 'h', dtype: 'F16', shape: [23, 16] },
  { name: 'b', dtype: 'BF16', shape: [19, 10] },
  { name: 'd', dtype: 'F64', shape: [21, 8] },
  { name: 'small', dtype: 'F32', shape: [4, 4] },
];

const run = redisAvailable() ? describe : describe.skip;

// Concurrent: each case waits mostly on process start-up; two workers of concurrency 2 share the jobs.
run.concurrent('quant submit writes the bytes of quant quantize', () => {
  let w: World;
  let inputs: string;
  let n = 0;

  beforeAll(async () => {
    checkBuilt();
    w = await world('bytes');
    inputs = join(w.dir, 'in');
    mkdirSync(inputs);
    writeSafetensors(join(inputs, 'all.safetensors'), TENSORS, 1);
    writeSafetensors(join(inputs, 'second.safetensors'), TENSORS.slice(0, 3), 2);
    await w.workers.add(2, {}, ['--concurrency', '2']);
  });
  afterAll(async () => w?.close());

  /** Submits and quantizes the inputs with `options`; returns the run's JSON status. */
  async function compare(options: readonly string[], submitOnly: readonly string[] = SPLIT): Promise<{ units: { split: boolean; state: string }[] }> {
    const k = n++;
    const local = join(w.dir, `local-${k}`);
    const queued = join(w.dir, `queued-${k}`);
    const [q, s] = await Promise.all([
      quant(['quantize', inputs, '-o', `${local}/`, '--quiet', ...options]),
      submit(w, [inputs, '-o', `${queued}/`, '--wait', '--json', ...options, ...submitOnly]),
    ]);
    expect(q.status, q.stderr).toBe(0);
    expect(s.status, s.stderr).toBe(0);
    expect(sameTree(local, queued)).toBe(2);
    return JSON.parse(s.stdout) as { units: { split: boolean; state: string }[] };
  }

  const minmax: [string, string[]][] = [
    ['per tensor', []],
    ['per channel along axis 0', ['--granularity', 'channel', '--axis', '0']],
    ['per channel along the last axis, symmetric, narrow range, pytorch profile', ['--granularity', 'channel', '--axis', '-1', '--scheme', 'symmetric', '--narrow-range', '--profile', 'pytorch']],
    ['blocks along the last axis', ['--granularity', 'block', '--block-size', '4']],
    ['blocks along axis 0, 12-bit codes', ['--granularity', 'block', '--axis', '0', '--block-size', '3', '--bits', '12']],
    ['packed 4-bit per tensor', ['--bits', '4', '--packed']],
    ['packed 2-bit symmetric per channel along the last axis', ['--bits', '2', '--packed', '--scheme', 'symmetric', '--granularity', 'channel', '--axis', '-1']],
  ];
  for (const [label, options] of minmax) {
    it(`min/max, ${label}, on split tensors`, async () => {
      const status = await compare(options);
      expect(status.units.every((u) => u.split)).toBe(true);
    });
  }

  for (const calibrate of ['percentile:99.9', 'mse', 'entropy', 'histogram']) {
    it(`--calibrate ${calibrate} on tensors that are not split`, async () => {
      const status = await compare(['--calibrate', calibrate], []);
      expect(status.units.every((u) => !u.split)).toBe(true);
    });
  }

  it('a calibrator whose groups lie within rows (per channel along axis 0) is split, with the same bytes', async () => {
    const status = await compare(['--calibrate', 'percentile:99', '--granularity', 'channel', '--axis', '0']);
    expect(status.units.every((u) => u.split)).toBe(true);
  });

  it('a calibrator whose groups span rows (per tensor) is never split: one job, the same bytes', async () => {
    const status = await compare(['--calibrate', 'mse']);
    expect(status.units.every((u) => !u.split)).toBe(true);
  });

  it('--plan: per-tensor choices (kept, packed blocks, per channel with a calibrator, split and not), the same bytes', async () => {
    const plan = join(w.dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        format: 'quantkit.plan',
        version: 1,
        default: { bits: 8, granularity: 'channel' },
        tensors: [
          { name: 'w2', scheme: 'symmetric', bits: 4, granularity: 'block', blockSize: 4, packed: true },
          { name: 'h', bits: 6, granularity: 'channel', axis: 0, calibrator: 'percentile:99' },
          { match: 'small', keep: true },
          { match: 'v*', bits: 12 },
        ],
      }),
    );
    const status = await compare(['--plan', plan]);
    expect(status.units.some((u) => u.split)).toBe(true);
  });

  it('--plan naming a tensor no input has: the submit fails as quant quantize --plan does, and queues nothing', async () => {
    const plan = join(w.dir, 'plan-unknown.json');
    writeFileSync(plan, JSON.stringify({ format: 'quantkit.plan', version: 1, tensors: [{ name: 'no-such-tensor', bits: 4 }] }));
    const out = join(w.dir, 'plan-unknown');
    const [q, s] = await Promise.all([quant(['quantize', inputs, '-o', `${out}-local/`, '--plan', plan]), submit(w, [inputs, '-o', `${out}/`, '--plan', plan])]);
    expect(q.status).toBe(2);
    expect(s.status, s.stderr).toBe(q.status);
    expect(s.stderr).toContain('ERR_QUANT_PLAN_UNKNOWN_TENSOR');
    expect(s.stdout).toBe('');
  });

  it('resubmitting the same work reuses the finished outputs', async () => {
    const out = join(w.dir, 'again');
    const first = await submit(w, [inputs, '-o', `${out}/`, '--wait', ...SPLIT]);
    expect(first.status, first.stderr).toBe(0);
    const second = await submit(w, [inputs, '-o', `${out}/`, '--wait', ...SPLIT]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/2 files \(2 already done\)/);
  });
});
