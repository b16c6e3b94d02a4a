import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, type AnalysisCandidate } from '@quantkit/quant-core';
import { splitCalibrators } from '../src/analysis/candidates.js';
import { randomF32 } from './helpers/data.js';
import { withOutliers } from './helpers/outliers.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeNpySpec, writeSafetensorsSpec } from './helpers/spec-files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const w = withOutliers(16 * 64, 21, { 5: 30, 700: -22 });
const bias = randomF32(64, 22, 0.1);
const withInf = Float32Array.of(0.5, -1.25, Infinity, 2, 0.75, -0.5);
const scalar = Float32Array.of(3.5);
const input = join(tmp.dir, 'model.safetensors');
writeSafetensorsSpec(input, [
  { name: 'w', dtype: 'F32', shape: [16, 64], bytes: bytesOf(w) },
  { name: 'ids', dtype: 'I64', shape: [2], bytes: bytesOf(new BigInt64Array([4n, 5n])) },
  { name: 'bias', dtype: 'F32', shape: [64], bytes: bytesOf(bias) },
  { name: 'inf', dtype: 'F32', shape: [6], bytes: bytesOf(withInf) },
  { name: 'scalar', dtype: 'F32', shape: [], bytes: bytesOf(scalar) },
]);

const DEFAULT_CALIBRATORS = ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram'];
/** The default layouts of a matrix (rank >= 2) and their calibrators, in grid order. */
const MATRIX_LAYOUTS: [AnalysisCandidate['granularity'], string[]][] = [
  ['tensor', DEFAULT_CALIBRATORS],
  [{ axis: 0 }, ['minmax', 'percentile:99.99', 'mse']],
  [{ axis: 1, blockSize: 32 }, ['minmax']],
];

interface JsonRow {
  label: string;
  calibrator: string;
  mse: number | string;
  sqnrDb: number | string;
  maxAbs: number;
  cosine: number;
  best: boolean;
  bestOfBits: boolean;
  cheapestWithinHalfDb: boolean;
  bits: number;
  bitsPerWeight: number;
  storedBits: number;
  kind: string;
  scale: number | null;
}
interface JsonTensor {
  name: string;
  shape: number[];
  rows: JsonRow[];
  refused: { label: string; message: string }[];
  notes: string[];
}
interface JsonOut {
  exitStatus: number;
  candidates: { schemes: string[]; bits: number[]; ggml: string[] };
  files: { file: string; tensors: JsonTensor[]; skipped: { name: string; reason: string }[] }[];
}

function grid(schemes: string[], bits: number[], granularities: AnalysisCandidate['granularity'][], calibrators: string[]): AnalysisCandidate[] {
  const out: AnalysisCandidate[] = [];
  for (const scheme of schemes) for (const b of bits) for (const granularity of granularities) for (const calibrator of calibrators) {
    out.push({ scheme: scheme as 'affine' | 'symmetric', bits: b, granularity, calibrator, profile: 'onnx', narrowRange: false });
  }
  return out;
}

describe('quant compare', () => {
  let json: JsonOut;
  beforeAll(() => {
    const r = quant(['compare', input, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    json = JSON.parse(r.stdout) as JsonOut;
  });

  it('defaults: both schemes, 8 and 4 bits, per tensor, per channel and blocks on matrices, GGML formats whose blocks fit', () => {
    expect(json.candidates).toMatchObject({ schemes: ['affine', 'symmetric'], bits: [8, 4], ggml: ['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k'] });
    const file = json.files[0]!;
    const [wRows, biasRows] = [file.tensors[0]!.rows, file.tensors[1]!.rows];
    // 16 x 64: rows of 64 hold whole blocks of the legacy formats (32), not of the K-quants (256).
    expect(wRows.filter((r) => r.kind === 'ggml').map((r) => r.label)).toEqual(['ggml q4_0', 'ggml q4_1', 'ggml q5_0', 'ggml q5_1', 'ggml q8_0']);
    expect(file.tensors[0]!.notes).toContain('q2_k, q3_k, q4_k, q5_k, q6_k: rows of 64 values are not whole blocks of those formats; skipped');
    // A vector gets per-tensor candidates only.
    expect(biasRows.map((r) => r.label)).toEqual(grid(['affine', 'symmetric'], [8, 4], ['tensor'], DEFAULT_CALIBRATORS).map((c) => analyze(bias, [c])[0]!.label));
    expect(file.tensors.map((t) => t.name)).toEqual(['w', 'bias', 'inf', 'scalar']);
    expect(file.skipped).toEqual([{ name: 'ids', dtype: 'I64', shape: [2], reason: 'I64 is not a float dtype' }]);
  });

  it("gives analyze()'s rows, in grid order, with exactly one best: the lowest MSE", () => {
    const candidates: AnalysisCandidate[] = [];
    for (const scheme of ['affine', 'symmetric'] as const) for (const bits of [8, 4]) for (const [granularity, calibrators] of MATRIX_LAYOUTS) candidates.push(...grid([scheme], [bits], [granularity], calibrators));
    const expected = analyze(w, candidates, { shape: [16, 64] });
    const rows = json.files[0]!.tensors[0]!.rows.filter((r) => r.kind === 'quantkit');
    expect(rows.map((r) => r.label)).toEqual(expected.map((r) => r.label));
    expect(rows.map((r) => r.mse)).toEqual(expected.map((r) => r.mse));
    expect(rows.map((r) => r.cosine)).toEqual(expected.map((r) => r.cosine));
    const all = json.files[0]!.tensors[0]!.rows;
    expect(all.filter((r) => r.best)).toHaveLength(1);
    const best = all.find((r) => r.best)!;
    for (const r of all) expect(best.mse as number).toBeLessThanOrEqual(r.mse as number);
    // Calibrators differ on this data (the outliers): the table is not 20 copies of one row.
    expect(new Set(rows.map((r) => r.mse)).size).toBeGreaterThan(4);
  });

  it('marks the lowest MSE of each bit width, and the fewest bits per weight within 0.5 dB of it', () => {
    const rows = json.files[0]!.tensors[0]!.rows;
    for (const bits of new Set(rows.map((r) => r.bits))) {
      const width = rows.filter((r) => r.bits === bits);
      const best = width.filter((r) => r.bestOfBits);
      expect(best, `${bits} bits`).toHaveLength(1);
      for (const r of width) expect(best[0]!.mse as number).toBeLessThanOrEqual(r.mse as number);
      const near = width.filter((r) => (r.sqnrDb as number) >= (best[0]!.sqnrDb as number) - 0.5);
      const cheapest = width.filter((r) => r.cheapestWithinHalfDb);
      expect(cheapest).toHaveLength(1);
      expect(near).toContain(cheapest[0]);
      for (const r of near) expect(cheapest[0]!.bitsPerWeight).toBeLessThanOrEqual(r.bitsPerWeight);
    }
    // Both widths, and blocked candidates among the 4-bit ones: the 4-bit best is not per-tensor on this data.
    expect(new Set(rows.map((r) => r.bits))).toEqual(new Set([8, 4, 5]));
    expect(rows.find((r) => r.bits === 4 && r.bestOfBits)!.label).not.toContain('per-tensor');
  });

  it('gives each candidate its bits per weight as stored: codes (4-bit packed), a scale and a zero point per group', () => {
    const rows = json.files[0]!.tensors[0]!.rows;
    const bpw = (label: string): number => rows.find((r) => r.label === label)!.bitsPerWeight;
    const n = 16 * 64;
    expect(bpw('affine uint8 per-tensor minmax')).toBe((8 * n + 32 + 8) / n);
    expect(bpw('symmetric int4 axis 0 minmax')).toBe((4 * n + 16 * (32 + 8)) / n);
    expect(bpw('affine uint4 axis 1 block 32 minmax')).toBe(4 + 40 / 32);
    expect(bpw('ggml q4_0')).toBe(4.5);
    expect(bpw('ggml q8_0')).toBe(8.5);
  });

  it('--block-size takes a list (alone it means blocks only), --ggml chooses the GGML formats', () => {
    const r = quant(['compare', input, '--json', '--block-size', '16,32', '--bits', '4', '--scheme', 'symmetric', '--calibrate', 'minmax', '--include', 'w']);
    expect(r.status).toBe(0);
    const rows = (JSON.parse(r.stdout) as JsonOut).files[0]!.tensors[0]!.rows;
    expect(rows.map((x) => x.label)).toEqual(['symmetric int4 axis 1 block 16 minmax', 'symmetric int4 axis 1 block 32 minmax']);
    expect(rows.map((x) => x.bitsPerWeight)).toEqual([4 + 40 / 16, 4 + 40 / 32]);
    const g = quant(['compare', input, '--json', '--ggml', 'q8_0,q4_k', '--include', 'w', '--bits', '8', '--granularity', 'tensor', '--calibrate', 'minmax']);
    const t = (JSON.parse(g.stdout) as JsonOut).files[0]!.tensors[0]!;
    expect(t.rows.map((x) => x.label)).toEqual(['affine uint8 per-tensor minmax', 'symmetric int8 per-tensor minmax', 'ggml q8_0']);
    expect(t.notes).toContain('q4_k: rows of 64 values are not whole blocks of those formats; skipped');
    const none = quant(['compare', input, '--json', '--ggml', 'none', '--include', 'w']);
    expect((JSON.parse(none.stdout) as JsonOut).files[0]!.tensors[0]!.rows.some((x) => x.kind === 'ggml')).toBe(false);
  });

  it('reports the candidates the library refuses (minmax on ±Infinity) and still ranks the others', () => {
    const inf = json.files[0]!.tensors.find((t) => t.name === 'inf')!;
    expect(inf.refused.map((f) => f.label)).toEqual(['affine uint8 per-tensor minmax', 'affine uint4 per-tensor minmax', 'symmetric int8 per-tensor minmax', 'symmetric int4 per-tensor minmax']);
    expect(inf.refused[0]!.message).toContain('Infinity');
    expect(inf.rows).toHaveLength(16);
    expect(inf.rows.filter((r) => r.best)).toHaveLength(1);
  });

  it('prints one table per tensor with the best row marked, and skips granularities a tensor does not have', () => {
    const r = quant(['compare', input, '--bits', '4', '--scheme', 'symmetric', '--granularity', 'tensor,channel', '--calibrate', 'minmax,percentile:99.9,bins=4096', '--exclude', 'inf']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = analyze(w, grid(['symmetric'], [4], ['tensor', { axis: 0 }], ['minmax', 'percentile:99.9,bins=4096']), { shape: [16, 64] });
    const wTable = r.stdout.slice(r.stdout.indexOf('w  F32 [16, 64]'), r.stdout.indexOf('bias  F32'));
    const rowLines = wTable.split('\n').filter((l) => l.includes('int4'));
    expect(rowLines).toHaveLength(4);
    expected.forEach((row, i) => {
      expect(rowLines[i]).toContain(row.label);
      expect(rowLines[i]!.trimStart().startsWith('*')).toBe(row.best);
    });
    expect(r.stdout).toContain('symmetric int4 axis 0 percentile:99.9,bins=4096');
    const scalarPart = r.stdout.slice(r.stdout.indexOf('scalar  F32 []'));
    expect(scalarPart).toContain('note: channel granularity: a scalar has no axis');
    expect(scalarPart).toContain('symmetric int4 per-tensor minmax');
    expect(r.stdout).toContain('skipped: ids (I64 is not a float dtype), inf (excluded by --include/--exclude)');
  });

  it('reads .npy files too', () => {
    const path = join(tmp.dir, 'layer.npy');
    writeNpySpec(path, { descr: '<f4', fortranOrder: false, shape: [16, 64], data: bytesOf(w) });
    const r = quant(['compare', path, '--json', '--bits', '8', '--calibrate', 'mse', '--granularity', 'tensor']);
    expect(r.status).toBe(0);
    const t = (JSON.parse(r.stdout) as JsonOut).files[0]!.tensors[0]!;
    expect(t.name).toBe('layer');
    expect(t.rows.map((x) => x.mse)).toEqual(analyze(w, grid(['affine', 'symmetric'], [8], ['tensor'], ['mse']), { shape: [16, 64] }).map((x) => x.mse));
  });

  it('refuses bad candidate lists and quantized files', () => {
    for (const [args, text] of [
      [['--bits', '8,1'], '--bits must be in 2..16'],
      [['--scheme', 'affine,asymmetric'], "--scheme takes affine, symmetric; got 'asymmetric'"],
      [['--calibrate', 'minmax,median'], "--calibrate 'median'"],
      [['--granularity', 'row'], '--granularity takes tensor, channel, block'],
    ] as const) {
      const r = quant(['compare', input, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(text);
    }
    const q = join(tmp.dir, 'q.safetensors');
    expect(quant(['quantize', input, '-o', q, '--exclude', 'inf']).status).toBe(0);
    const r = quant(['compare', q]);
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('[E_ALREADY_QUANTIZED]');
  });
});

describe('--calibrate lists', () => {
  it('a comma separates calibrators, and also a calibrator from its key=value options', () => {
    expect(splitCalibrators(['minmax,percentile:99.99,mse,entropy,histogram'])).toEqual(['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram']);
    expect(splitCalibrators(['percentile:99.9,bins=4096,entropy:startBin=64,stride=2', 'mse:refine=false'])).toEqual(['percentile:99.9,bins=4096', 'entropy:startBin=64,stride=2', 'mse:refine=false']);
    expect(splitCalibrators(['percentile,99'])).toEqual(['percentile', '99']); // '99' is then refused as a method
  });
});
