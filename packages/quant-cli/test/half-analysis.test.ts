import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, parseCalibration, quantizationError, quantize, type HalfDType, type QuantizeOptions } from '@quantkit/quant-core';
import { formatNumber } from '../src/stats.js';
import { bf16ToF32, halvesToF32, randomBf16Bits, randomHalfBits } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * inspect, compare and report quantize F16 / BF16 tensors as quant quantize does (on the bits, half scales), so the
 * errors they report are those of the file quantize writes: dequantize(quantize(bits, { dtype })) (float32, what
 * quant dequantize writes) against the exact widening of the bits, by the library's quantizationError.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const SHAPE = [16, 24];
const TENSORS: Record<string, { dtype: string; half: HalfDType; bits: Uint16Array; wide: Float32Array }> = {};
{
  const h = randomHalfBits(16 * 24, 61);
  const b = randomBf16Bits(16 * 24, 62);
  TENSORS.h = { dtype: 'F16', half: 'float16', bits: h, wide: halvesToF32(h) };
  TENSORS.b = { dtype: 'BF16', half: 'bfloat16', bits: b, wide: bf16ToF32(b) };
}
const input = join(tmp.dir, 'halves.safetensors');
writeSafetensorsSpec(input, Object.entries(TENSORS).map(([name, t]) => ({ name, dtype: t.dtype, shape: SHAPE, bytes: bytesOf(t.bits) })));

/** The error of the file quant quantize writes with `options`. */
function fileError(name: string, options: QuantizeOptions) {
  const t = TENSORS[name]!;
  return quantizationError(t.wide, dequantize(quantize(t.bits, { ...options, shape: SHAPE, dtype: t.half })));
}

interface CompareRow {
  label: string;
  calibrator: string;
  mse: number;
  maxAbs: number;
  scale: number | null;
}

describe('compare on F16 / BF16 tensors', () => {
  it('reports for every candidate the MSE of the file quant quantize would write', () => {
    const r = quant(['compare', input, '--json', '--scheme', 'affine,symmetric', '--bits', '4,8', '--granularity', 'tensor,channel', '--calibrate', 'minmax,mse,percentile:99']);
    expect(r.status, r.stderr).toBe(0);
    const tensors = JSON.parse(r.stdout).files[0].tensors as { name: string; rows: CompareRow[] }[];
    expect(tensors.map((t) => t.name)).toEqual(['h', 'b']);
    for (const t of tensors) {
      expect(t.rows).toHaveLength(2 * 2 * 2 * 3);
      for (const row of t.rows) {
        const [scheme, type, granularity] = row.label.split(' ');
        const options: QuantizeOptions = {
          scheme: scheme as 'affine' | 'symmetric',
          bits: Number(type!.replace(/^u?int/, '')),
          granularity: granularity === 'per-tensor' ? 'tensor' : { axis: 0 },
          ...(row.calibrator === 'minmax' ? {} : { range: parseCalibration(row.calibrator) }),
        };
        const want = fileError(t.name, options);
        expect(row.mse, `${t.name} ${row.label}`).toBe(want.mse);
        expect(row.maxAbs, `${t.name} ${row.label}`).toBe(want.maxAbs);
      }
    }
  });

  it('reports half scales: the per-tensor scale of each row is a value of the tensor\'s type', () => {
    const r = quant(['compare', input, '--json', '--bits', '8', '--scheme', 'affine', '--calibrate', 'minmax']);
    const [h, b] = JSON.parse(r.stdout).files[0].tensors as { rows: CompareRow[] }[];
    expect(h!.rows[0]!.scale).toBe(quantize(TENSORS.h!.bits, { dtype: 'float16' }).scale);
    expect(b!.rows[0]!.scale).toBe(quantize(TENSORS.b!.bits, { dtype: 'bfloat16' }).scale);
  });
});

describe('inspect on F16 / BF16 tensors', () => {
  it('estimates the cost of the file quant quantize would write', () => {
    const r = quant(['inspect', input, '--json', '--bits', '4', '--granularity', 'channel']);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).files[0].tensors as { name: string; cost: { mse: number; maxAbs: number } }[];
    for (const row of rows) {
      const want = fileError(row.name, { bits: 4, granularity: { axis: 0 } });
      expect(row.cost.mse, row.name).toBe(want.mse);
      expect(row.cost.maxAbs, row.name).toBe(want.maxAbs);
    }
  });
});

describe('report on F16 / BF16 tensors', () => {
  it('analyses them like compare: the best candidate and its MSE are the file\'s', () => {
    const out = join(tmp.dir, 'report.html');
    const r = quant(['report', input, '-o', out, '--json', '--bits', '4', '--scheme', 'affine', '--calibrate', 'minmax', '--granularity', 'tensor']);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    for (const name of ['h', 'b']) {
      const mse = fileError(name, { bits: 4 }).mse;
      expect(html).toContain(`affine uint4 per-tensor minmax: SQNR`);
      expect(html, name).toContain(`MSE ${formatNumber(mse)}`);
    }
  });
});
