import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredEmbeddings } from './helpers/embeddings.js';
import { BIN, checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeNpySpec } from './helpers/spec-files.js';

/*
 * `quant embeddings eval` on a small seeded clustered set (the shape of docs/EMBEDDINGS.md §8's data, smaller): the
 * figures must be within sane bounds, ordered as quantization loses information, and the same for the same seed.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const ROWS = 1500;
const DIM = 48;
const normalized = join(tmp.dir, 'normalized.npy');
const raw = join(tmp.dir, 'raw.npy');
writeNpySpec(normalized, { descr: '<f4', fortranOrder: false, shape: [ROWS, DIM], data: bytesOf(clusteredEmbeddings(ROWS, DIM, 11, { clusters: 30 })) });
writeNpySpec(raw, { descr: '<f4', fortranOrder: false, shape: [ROWS, DIM], data: bytesOf(clusteredEmbeddings(ROWS, DIM, 11, { clusters: 30, normalize: false })) });

interface EvalJson {
  queries: number;
  corpusRows: number;
  k: number;
  seed: number;
  normalization: { rescaledRows: number; unscalableRows: number };
  methods: { method: string; label: string; bytesPerVector: number; mean: number; worst: number }[];
}

function evalJson(args: string[]): EvalJson {
  const r = quant(['embeddings', 'eval', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as EvalJson;
}

describe('quant embeddings eval', () => {
  it('reports recall@k for the four methods, within sane bounds', () => {
    const e = evalJson([normalized, '--queries', '40', '--seed', '3']);
    expect([e.queries, e.corpusRows, e.k, e.seed]).toEqual([40, ROWS - 40, 10, 3]);
    expect(e.normalization).toEqual({ rescaledRows: 0, unscalableRows: 0 });
    const by = Object.fromEntries(e.methods.map((m) => [m.method, m]));
    expect(Object.keys(by)).toEqual(['int8-asymmetric', 'binary', 'binary-rescore-int8', 'binary-rescore-float']);
    expect(e.methods.map((m) => m.bytesPerVector)).toEqual([DIM, DIM / 8, DIM / 8 + DIM, DIM / 8 + 4 * DIM]);
    for (const m of e.methods) {
      expect(m.worst).toBeGreaterThanOrEqual(0);
      expect(m.worst).toBeLessThanOrEqual(m.mean);
      expect(m.mean).toBeLessThanOrEqual(1);
    }
    expect(by['int8-asymmetric']!.mean).toBeGreaterThan(0.85);
    expect(by.binary!.mean).toBeGreaterThan(0.1);
    expect(by.binary!.mean).toBeLessThan(by['int8-asymmetric']!.mean);
    // Rescoring recovers much of what Hamming distance loses; int8 rescoring about as well as the floats.
    expect(by['binary-rescore-float']!.mean).toBeGreaterThan(by.binary!.mean + 0.1);
    expect(by['binary-rescore-int8']!.mean).toBeGreaterThan(by.binary!.mean + 0.1);
    expect(Math.abs(by['binary-rescore-int8']!.mean - by['binary-rescore-float']!.mean)).toBeLessThan(0.1);
    expect(by['binary-rescore-float']!.label).toBe('binary + rescore x4 with float32');
  });

  it('is deterministic for a seed, and another seed samples other queries', () => {
    const args = [normalized, '--queries', '30', '--k', '5', '--rescore-multiplier', '2.5'];
    const a = quant(['embeddings', 'eval', ...args, '--seed', '9']);
    const b = quant(['embeddings', 'eval', ...args, '--seed', '9']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const seeds = [1, 2, 3, 4].map((seed) => evalJson([...args, '--seed', String(seed)]).methods.map((m) => m.mean).join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('prints a table, and says when it normalized the rows', () => {
    const r = quant(['embeddings', 'eval', raw, '--queries', '20', '--seed', '1']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/raw\.npy: tensor 'raw' 1500 x 48 F32; 20 query rows \(seed 1\) searched against the other 1480$/);
    expect(lines[1]).toBe('recall@10 against exact float search (dot product of L2-normalized rows), mean over the queries:');
    expect(lines[3]).toMatch(/^method +bytes\/vector +recall@10 +worst query$/);
    expect(lines.slice(5, 9).map((l) => l.replace(/ {2,}.*/, ''))).toEqual([
      'int8, asymmetric (float query)',
      'binary, Hamming only',
      'binary + rescore x4 with int8',
      'binary + rescore x4 with float32',
    ]);
    for (const l of lines.slice(5, 9)) expect(l).toMatch(/ \d+ +[01]\.\d{3} +[01]\.\d{3}$/);
    expect(lines[9]).toBe('note: 1500 of 1500 rows were not of unit length and were divided by their norm first');
    // Normalizing first makes the raw rows the same data as the normalized ones, up to float32 rounding.
    const fromRaw = evalJson([raw, '--queries', '20']).methods;
    evalJson([normalized, '--queries', '20']).methods.forEach((m, i) => expect(Math.abs(m.mean - fromRaw[i]!.mean)).toBeLessThan(0.05));
  });

  it('refuses what it cannot measure', () => {
    const cases: [string[], RegExp][] = [
      [[normalized, '--queries', '1500'], /1500 queries would leave no row to search: the tensor has 1500 rows .*\[E_USAGE\]/],
      [[normalized, '--k', '0'], /--k must be in 1\.\./],
      [[normalized, '--rescore-multiplier', '0.5'], /--rescore-multiplier must be a number >= 1, got '0\.5'/],
      [[normalized, '--seed', '-1'], /--seed must be in 0\.\.4294967295/],
      [[], /no input given/],
    ];
    for (const [args, message] of cases) {
      const r = quant(['embeddings', 'eval', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('draws its progress on a terminal only, and clears it before the table', () => {
    const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const stdoutFile = join(tmp.dir, 'eval-stdout.txt');
    const command = `${[process.execPath, BIN, 'embeddings', 'eval', normalized, '--queries', '200'].map(shellQuote).join(' ')} > ${shellQuote(stdoutFile)}`;
    const r = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '200' } });
    if (r.error) throw new Error(`util-linux 'script' is needed for this test: ${r.error.message}`);
    expect(r.status).toBe(0);
    const frames = r.stdout.split('\r\x1b[K').filter((f) => f !== '');
    expect(frames.length).toBeGreaterThanOrEqual(1);
    for (const frame of frames) expect(frame).toMatch(/^queries \d+\/200 \(\d+%\) {2}ETA (\d+s|--)$/);
    expect(frames.at(-1)).toMatch(/^queries 200\/200 \(100%\)/);
    expect(r.stdout.endsWith('\r\x1b[K')).toBe(true);
    const table = readFileSync(stdoutFile, 'utf8');
    expect(table).toContain('recall@10');
    expect(table).not.toContain('\x1b');
  });
});
