import { describe, expect, it } from 'vitest';
import { apiTargets, backToBack, ratioTarget, REFERENCE_API_OPS, slowestTarget } from '../src/api-targets.js';
import type { ColumnId, Row } from '../src/results.js';
import type { TargetInputs } from '../src/target-cells.js';

const MI = 1 << 20;
const S16 = 16 * MI;
const S256K = 256 * 1024;

const cell = (eps: number) => ({ eps, bestEps: eps, secondsPerCall: 1 / eps, repetitions: 7, callsPerRepetition: 1 });

/** A full run whose main table holds exactly these cells: { op: { size: { column: eps or skip reason } } }. */
function results(cells: Record<string, Record<number, Partial<Record<ColumnId, number | string>>>>, kind: 'full' | 'quick' = 'full'): TargetInputs {
  const rows: Row[] = Object.entries(cells).flatMap(([op, bySize]) =>
    Object.entries(bySize).map(([size, byColumn]) => ({
      op,
      size: Number(size),
      cells: Object.fromEntries(Object.entries(byColumn).map(([id, v]) => [id, typeof v === 'number' ? cell(v) : { skipped: v }])),
    })),
  );
  const bw = { read: 1e10, copy: 2e10, readMedian: 1e10, copyMedian: 2e10 };
  return { rows, overhead: [], scaling: { rows: [], slower: [], tolerance: 0.95 }, kind, bandwidth: { source: 'addon', floats: 1, repetitions: 1, oneThread: bw, twoThreads: bw } };
}

const byId = (r: TargetInputs, id: string) => apiTargets(r).find((t) => t.id === id)!;

describe('backToBack', () => {
  it('combines rates as one pass after the other: 1 / (1/a + 1/b)', () => {
    expect(backToBack([3e9, 6e9])).toBeCloseTo(2e9, -3);
    expect(backToBack([5e9])).toBe(5e9);
  });
});

describe('quantize(x) at 16M against its kernels', () => {
  // min/max 4 G/s and quantize 4 G/s back to back: 2 G/s; 0.9 × that = 1.8 G/s.
  const kernels = { minmax: { [S16]: { 'native-avx2': 4e9 } }, 'quantize-tensor-u8': { [S16]: { 'native-avx2': 4e9 } } };

  it('is met at 0.9 × the kernels back to back', () => {
    const t = byId(results({ ...kernels, 'quantize-full-u8': { [S16]: { 'native-avx2': 1.8e9 } } }), 'api-quantize-16m-kernels');
    expect(t.status).toBe('met');
    expect(t.measured).toBe('1.80 G/s (×0.90)');
    expect(t.note).toContain('wanted ≥ 1.80 G/s');
  });

  it('is not met just below', () => {
    expect(byId(results({ ...kernels, 'quantize-full-u8': { [S16]: { 'native-avx2': 1.79e9 } } }), 'api-quantize-16m-kernels').status).toBe('not met');
  });

  it('is n/a, naming the kernel, when a kernel row is missing', () => {
    const t = byId(results({ minmax: kernels.minmax, 'quantize-full-u8': { [S16]: { 'native-avx2': 1.8e9 } } }), 'api-quantize-16m-kernels');
    expect(t.status).toBe('n/a');
    expect(t.measured).toContain('quantize kernel not measured (no quantize-tensor-u8 row at this size)');
  });

  it('is n/a with the skip reason when the API cell was skipped', () => {
    const t = byId(results({ ...kernels, 'quantize-full-u8': { [S16]: { 'native-avx2': 'native unavailable' } } }), 'api-quantize-16m-kernels');
    expect(t).toMatchObject({ status: 'n/a', measured: 'not measured: native unavailable' });
  });

  it('is n/a after a quick run (no 16M rows)', () => {
    expect(byId(results({}, 'quick'), 'api-quantize-16m-kernels')).toMatchObject({ status: 'n/a', measured: 'not measured (quick run)' });
  });
});

describe('quantize(x) at 16M against ONNX Runtime DynamicQuantizeLinear', () => {
  it('wants 1.5 × the ORT figure of the same row', () => {
    expect(byId(results({ 'quantize-full-u8': { [S16]: { 'native-avx2': 1.5e9, 'ort-1t': 1e9 } } }), 'api-quantize-16m-ort').status).toBe('met');
    expect(byId(results({ 'quantize-full-u8': { [S16]: { 'native-avx2': 1.2e9, 'ort-1t': 1e9 } } }), 'api-quantize-16m-ort').status).toBe('not met');
    const t = byId(results({ 'quantize-full-u8': { [S16]: { 'native-avx2': 1.2e9, 'ort-1t': 'onnxruntime-node could not be loaded' } } }), 'api-quantize-16m-ort');
    expect(t.status).toBe('n/a');
    expect(t.measured).toContain('onnxruntime-node could not be loaded');
  });
});

describe('fakeQuantize and fakeQuantizeWithError against quantize + dequantize', () => {
  // quantize 6 G/s, dequantize 3 G/s back to back: 2 G/s; 0.7 × that = 1.4 G/s.
  const kernels = (size: number) => ({ 'quantize-tensor-u8': { [size]: { 'native-avx2': 6e9 } }, 'dequantize-tensor-u8': { [size]: { 'native-avx2': 3e9 } } });

  it.each([
    ['api-fake-quantize-u8', S256K, '256k'],
    ['api-fake-quantize-u8', S16, '16m'],
    ['api-fake-quantize-error-u8', S256K, '256k'],
    ['api-fake-quantize-error-u8', S16, '16m'],
  ] as const)('%s at %i elements: met at 0.7 ×, not met below, n/a without its row', (op, size, suffix) => {
    const id = `${op}-${suffix}`;
    expect(byId(results({ ...kernels(size), [op]: { [size]: { 'native-avx2': 1.4e9 } } }), id).status).toBe('met');
    expect(byId(results({ ...kernels(size), [op]: { [size]: { 'native-avx2': 1.3e9 } } }), id).status).toBe('not met');
    expect(byId(results(kernels(size)), id).status).toBe('n/a');
  });

  it('compares with the kernels of the same size only', () => {
    const t = byId(results({ ...kernels(S256K), 'api-fake-quantize-u8': { [S16]: { 'native-avx2': 1.4e9 } } }), 'api-fake-quantize-u8-16m');
    expect(t.status).toBe('n/a');
  });
});

describe('blocked quantize(x) through the API', () => {
  it('wants 2 G/s at 16M native', () => {
    expect(byId(results({ 'api-quantize-block-u8': { [S16]: { 'native-avx2': 2e9 } } }), 'api-quantize-block-16m').status).toBe('met');
    expect(byId(results({ 'api-quantize-block-u8': { [S16]: { 'native-avx2': 0.6e9 } } }), 'api-quantize-block-16m').status).toBe('not met');
    expect(byId(results({}), 'api-quantize-block-16m').status).toBe('n/a');
  });
});

describe('per-channel quantize(x) against the per-tensor API', () => {
  it.each(['api-quantize-channel-u8', 'api-quantize-channel-last-u8'])('%s: 0.8 × the per-tensor quantize(x)', (op) => {
    const tensor = { 'quantize-full-u8': { [S16]: { 'native-avx2': 1e9 } } };
    expect(byId(results({ ...tensor, [op]: { [S16]: { 'native-avx2': 0.8e9 } } }), `${op}-16m`).status).toBe('met');
    expect(byId(results({ ...tensor, [op]: { [S16]: { 'native-avx2': 0.7e9 } } }), `${op}-16m`).status).toBe('not met');
    expect(byId(results({ [op]: { [S16]: { 'native-avx2': 0.8e9 } } }), `${op}-16m`).status).toBe('n/a');
  });
});

describe('the reference API floor', () => {
  const all = (eps: number) => Object.fromEntries(REFERENCE_API_OPS.map((op) => [op, { [S16]: { reference: eps } }]));

  it('is met when every call reaches 50 M/s', () => {
    expect(byId(results(all(60e6)), 'ref-api-16m').status).toBe('met');
  });

  it('is not met when one call is slower, and names it', () => {
    const t = byId(results({ ...all(60e6), 'api-quantize-channel-u8': { [S16]: { reference: 30e6 } } }), 'ref-api-16m');
    expect(t.status).toBe('not met');
    expect(t.measured).toBe('slowest 30.0 M/s (api-quantize-channel-u8 at 16M)');
  });

  it('is n/a when a call is missing and the others meet it, not met when one measured call fails anyway', () => {
    const { 'api-dequantize-u8': _, ...rest } = all(60e6);
    const partial = byId(results(rest), 'ref-api-16m');
    expect(partial.status).toBe('n/a');
    expect(partial.note).toContain('not measured (no api-dequantize-u8 row at this size): api-dequantize-u8');
    expect(byId(results({ ...rest, 'quantize-full-u8': { [S16]: { reference: 10e6 } } }), 'ref-api-16m').status).toBe('not met');
  });

  it('is n/a when nothing was measured', () => {
    expect(slowestTarget(results({}, 'quick'), 'x', 'x', ['a', 'b'], S16, 'reference', 1)).toMatchObject({ status: 'n/a', measured: 'not measured (quick run)' });
  });
});

describe('ratioTarget', () => {
  it('says which baseline cell was skipped and why', () => {
    const r = results({ a: { 1: { 'native-avx2': 10 } }, b: { 1: { 'native-avx2': 'too slow' } } });
    const t = ratioTarget(r, { id: 'x', description: 'x', op: 'a', size: 1, column: 'native-avx2', factor: 1, baseline: [{ op: 'b', column: 'native-avx2', label: 'B' }], baselineLabel: 'B' });
    expect(t).toMatchObject({ status: 'n/a', target: '≥ 1 × B' });
    expect(t.measured).toContain('B not measured: too slow');
  });
});
