import { describe, expect, it } from 'vitest';
import {
  GGML_FORMAT_NAMES, GGML_FORMATS, ggmlBlockCount, ggmlDequantizeRows, ggmlFormatInfo, ggmlQuantizeRows,
  ggmlRowBytes, isGgmlFormat, type GgmlFormat,
} from '../../src/ggml/index.js';
import { dequantizeBlocks, quantizeBlocks } from '../../src/index.js';
import { nearestInt, roundf, truncToInt } from '../../src/ggml/c-float.js';
import { codeOf } from '../helpers/quant-error.js';
import { Rng } from '../helpers/rng.js';

function normalRow(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

describe('format table', () => {
  it('has the geometry of ggml-common.h and ggml.h', () => {
    expect(GGML_FORMAT_NAMES).toStrictEqual(['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q8_1', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k']);
    const geometry = GGML_FORMAT_NAMES.map((f) => [f, GGML_FORMATS[f].blockSize, GGML_FORMATS[f].bytesPerBlock, GGML_FORMATS[f].ggmlType]);
    expect(geometry).toStrictEqual([
      ['q4_0', 32, 18, 2], ['q4_1', 32, 20, 3], ['q5_0', 32, 22, 6], ['q5_1', 32, 24, 7], ['q8_0', 32, 34, 8], ['q8_1', 32, 36, 9],
      ['q2_k', 256, 84, 10], ['q3_k', 256, 110, 11], ['q4_k', 256, 144, 12], ['q5_k', 256, 176, 13], ['q6_k', 256, 210, 14],
    ]);
  });

  it('computes row bytes and block counts, and refuses partial blocks', () => {
    expect(ggmlRowBytes('q4_0', 4096)).toBe(128 * 18);
    expect(ggmlRowBytes('q6_k', 4096)).toBe(16 * 210);
    expect(ggmlRowBytes('q8_0', 0)).toBe(0);
    expect(ggmlBlockCount('q4_k', 512)).toBe(2);
    for (const n of [31, 33, -32, 32.5, Number.NaN]) expect(codeOf(() => ggmlRowBytes('q4_0', n)), String(n)).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => ggmlRowBytes('q2_k', 32))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => ggmlFormatInfo('Q4_0'))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => ggmlFormatInfo('toString'))).toBe('ERR_QUANT_OPTION');
    expect(isGgmlFormat('q5_k')).toBe(true);
    expect(isGgmlFormat('q8_k')).toBe(false);
  });
});

describe('C arithmetic helpers', () => {
  it('nearestInt rounds half to even like nearest_int, roundf half away from zero', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998].map(nearestInt)).toStrictEqual([0, 2, 2, 0, -2, -2, 2]);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998].map(roundf)).toStrictEqual([1, 2, 3, -1, -2, -3, 2]);
    expect(Object.is(roundf(-0.25), -0)).toBe(true);
  });

  it('truncToInt is the x86-64 conversion (0x80000000 for NaN and out of range)', () => {
    expect([1.9, -1.9, 2147483520, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31)].map(truncToInt)).toStrictEqual([
      1, -1, 2147483520, -2147483648, -2147483648, -2147483648, -2147483648, -2147483648,
    ]);
  });
});

describe('kernel validation', () => {
  const x = normalRow(256, 1);

  it.each(GGML_FORMAT_NAMES)('%s: lengths, types and outputs', (format: GgmlFormat) => {
    const { blockSize, bytesPerBlock } = GGML_FORMATS[format];
    const out = new Uint8Array((256 / blockSize) * bytesPerBlock);
    ggmlQuantizeRows(x, format, out);
    const y = new Float32Array(256);
    ggmlDequantizeRows(out, format, y);

    expect(codeOf(() => ggmlQuantizeRows(x.subarray(0, 255), format, out))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => ggmlQuantizeRows(new Float64Array(256) as unknown as Float32Array, format, out))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => ggmlQuantizeRows(x, format, out.subarray(1)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => ggmlQuantizeRows(x, format, new Int8Array(out.length) as unknown as Uint8Array))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => ggmlQuantizeRows(x, 'q9_0' as GgmlFormat, out))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => ggmlDequantizeRows(out.subarray(1), format, y))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => ggmlDequantizeRows(out, format, y.subarray(1)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => ggmlDequantizeRows(Array.from(out) as unknown as Uint8Array, format, y))).toBe('ERR_QUANT_INPUT_TYPE');

    const bad = x.slice();
    for (const v of [Number.NaN, Infinity, -Infinity]) {
      bad[200] = v;
      expect(codeOf(() => ggmlQuantizeRows(bad, format, out)), String(v)).toBe('ERR_QUANT_RANGE');
    }
  });

  it('refuses an output overlapping its input', () => {
    const buf = new ArrayBuffer(32 * 4 + 34);
    const xs = new Float32Array(buf, 0, 32);
    xs.set(normalRow(32, 2));
    expect(codeOf(() => ggmlQuantizeRows(xs, 'q8_0', new Uint8Array(buf, 100, 34)))).toBe('ERR_QUANT_OUTPUT');
    const blocks = new Uint8Array(buf, 0, 34);
    expect(codeOf(() => ggmlDequantizeRows(blocks, 'q8_0', new Float32Array(buf, 4, 32)))).toBe('ERR_QUANT_OUTPUT');
  });

  it('quantizes empty input to empty output', () => {
    ggmlQuantizeRows(new Float32Array(0), 'q4_k', new Uint8Array(0));
    ggmlDequantizeRows(new Uint8Array(0), 'q4_k', new Float32Array(0));
  });
});

describe('quantizeBlocks / dequantizeBlocks', () => {
  it.each(GGML_FORMAT_NAMES)('%s: rows of whole blocks, the kernel bytes, and back', (format) => {
    const { blockSize } = GGML_FORMATS[format];
    const x = normalRow(3 * 2 * blockSize, 3);
    const qb = quantizeBlocks(x, { format, shape: [3, 2 * blockSize] });
    expect(qb.format).toBe(format);
    expect(qb.shape).toStrictEqual([3, 2 * blockSize]);
    const direct = new Uint8Array(ggmlRowBytes(format, x.length));
    ggmlQuantizeRows(x, format, direct);
    expect(qb.data).toStrictEqual(direct);

    const y = dequantizeBlocks(qb);
    const expected = new Float32Array(x.length);
    ggmlDequantizeRows(direct, format, expected);
    expect(y).toStrictEqual(expected);
    const out = new Float32Array(x.length);
    expect(dequantizeBlocks(qb, { out })).toBe(out);
    expect(out).toStrictEqual(expected);
    expect(quantizeBlocks(x, { format }).shape).toStrictEqual([x.length]);
  });

  it('rejects rows that are not whole blocks, whatever the total', () => {
    const x = normalRow(512, 4);
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_0', shape: [16, 32] }))).toBeUndefined();
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_0', shape: [32, 16] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_k', shape: [2, 256] }))).toBeUndefined();
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_k', shape: [4, 128] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_0', shape: [2, 32] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => quantizeBlocks(new Float32Array(1), { format: 'q8_0', shape: [] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => quantizeBlocks(new Float32Array(0), { format: 'q8_0', shape: [0, 32] }))).toBeUndefined();
  });

  it('validates options and blocks', () => {
    const x = normalRow(64, 5);
    expect(codeOf(() => quantizeBlocks(x, undefined as never))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4' as GgmlFormat }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => quantizeBlocks(x, { format: 'q4_0', shap: [64] } as never))).toBe('ERR_QUANT_UNKNOWN_OPTION');
    expect(codeOf(() => quantizeBlocks([1, 2] as unknown as Float32Array, { format: 'q4_0' }))).toBe('ERR_QUANT_INPUT_TYPE');
    const qb = quantizeBlocks(x, { format: 'q5_1' });
    expect(codeOf(() => dequantizeBlocks(null as never))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => dequantizeBlocks({ ...qb, data: qb.data.subarray(24) }))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => dequantizeBlocks({ ...qb, format: 'q5_0' }))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => dequantizeBlocks({ ...qb, shape: [2, 33] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => dequantizeBlocks({ ...qb, shape: [-64] }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => dequantizeBlocks(qb, { out: new Float32Array(63) }))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => dequantizeBlocks(qb, { output: new Float32Array(64) } as never))).toBe('ERR_QUANT_UNKNOWN_OPTION');
  });
});
