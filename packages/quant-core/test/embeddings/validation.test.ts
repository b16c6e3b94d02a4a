import { describe, expect, it } from 'vitest';
import { quantizeEmbeddings, type QuantizeEmbeddingsOptions } from '../../src/embeddings/index.js';
import { codeOf } from '../helpers/quant-error.js';

const x = new Float32Array([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]);
const q = (input: unknown, options: unknown) => () => quantizeEmbeddings(input as Float32Array, options as QuantizeEmbeddingsOptions);

describe('quantizeEmbeddings validation', () => {
  const cases: [string, () => unknown, string][] = [
    ['unknown precision', q(x, { dim: 3, precision: 'int4' }), 'ERR_QUANT_OPTION'],
    ['missing precision', q(x, { dim: 3 }), 'ERR_QUANT_OPTION'],
    ['options not an object', q(x, 3), 'ERR_QUANT_OPTION'],
    ['unknown option (typo)', q(x, { dim: 3, precision: 'int8', bitorder: 'lsb' }), 'ERR_QUANT_UNKNOWN_OPTION'],
    ['dim missing', q(x, { precision: 'int8' }), 'ERR_QUANT_SHAPE'],
    ['dim not an integer', q(x, { dim: 1.5, precision: 'int8' }), 'ERR_QUANT_SHAPE'],
    ['dim 0', q(x, { dim: 0, precision: 'binary' }), 'ERR_QUANT_SHAPE'],
    ['length not a multiple of dim', q(x, { dim: 4, precision: 'binary' }), 'ERR_QUANT_SHAPE'],
    ['dim above 65536', q(new Float32Array(65537), { dim: 65537, precision: 'binary' }), 'ERR_QUANT_LIMIT'],
    ['an Int32Array input', q(new Int32Array(6), { dim: 3, precision: 'int8' }), 'ERR_QUANT_INPUT_TYPE'],
    ['a plain array input', q([0.1, 0.2], { dim: 2, precision: 'int8' }), 'ERR_QUANT_INPUT_TYPE'],
    ['a Uint16Array without dtype', q(new Uint16Array(6), { dim: 3, precision: 'int8' }), 'ERR_QUANT_OPTION'],
    ['a dtype for a float32 input', q(x, { dim: 3, precision: 'int8', dtype: 'float16' }), 'ERR_QUANT_OPTION'],
    ['ranges for binary', q(x, { dim: 3, precision: 'binary', ranges: [[0, 0, 0], [1, 1, 1]] }), 'ERR_QUANT_OPTION'],
    ['calibration for ubinary', q(x, { dim: 3, precision: 'ubinary', calibration: x }), 'ERR_QUANT_OPTION'],
    ['bitOrder for int8', q(x, { dim: 3, precision: 'int8', bitOrder: 'lsb' }), 'ERR_QUANT_OPTION'],
    ['int8Rounding for uint8', q(x, { dim: 3, precision: 'uint8', int8Rounding: 'toward-zero' }), 'ERR_QUANT_OPTION'],
    ['unknown bitOrder', q(x, { dim: 3, precision: 'binary', bitOrder: 'big' }), 'ERR_QUANT_OPTION'],
    ['unknown threshold', q(x, { dim: 3, precision: 'binary', threshold: '>=' }), 'ERR_QUANT_OPTION'],
    ['unknown int8Rounding', q(x, { dim: 3, precision: 'int8', int8Rounding: 'nearest' }), 'ERR_QUANT_OPTION'],
    ['ranges and calibration', q(x, { dim: 3, precision: 'int8', ranges: [[0, 0, 0], [1, 1, 1]], calibration: x }), 'ERR_QUANT_OPTION'],
    ['ranges of the wrong length', q(x, { dim: 3, precision: 'int8', ranges: [[0, 0], [1, 1]] }), 'ERR_QUANT_SHAPE'],
    ['flat ranges of the wrong length', q(x, { dim: 3, precision: 'int8', ranges: [0, 0, 0, 1, 1] }), 'ERR_QUANT_SHAPE'],
    ['ranges of strings', q(x, { dim: 3, precision: 'int8', ranges: { min: ['0', 0, 0], max: [1, 1, 1] } }), 'ERR_QUANT_OPTION'],
    ['ranges not an array', q(x, { dim: 3, precision: 'int8', ranges: 'minmax' }), 'ERR_QUANT_OPTION'],
    ['min > max', q(x, { dim: 3, precision: 'int8', ranges: { min: [0, 2, 0], max: [1, 1, 1] } }), 'ERR_QUANT_RANGE'],
    ['NaN bound', q(x, { dim: 3, precision: 'int8', ranges: { min: [0, NaN, 0], max: [1, 1, 1] } }), 'ERR_QUANT_RANGE'],
    ['infinite bound', q(x, { dim: 3, precision: 'int8', ranges: { min: [0, 0, 0], max: [1, Infinity, 1] } }), 'ERR_QUANT_RANGE'],
    ['a bound that overflows float32', q(x, { dim: 3, precision: 'int8', ranges: { min: [0, 0, 0], max: [1, 1e39, 1] } }), 'ERR_QUANT_RANGE'],
    ['a width that overflows float32', q(x, { dim: 3, precision: 'int8', ranges: { min: [0, -3e38, 0], max: [1, 3e38, 1] } }), 'ERR_QUANT_RANGE'],
    ['a calibration dimension of NaN only', q(x, { dim: 3, precision: 'int8', calibration: new Float32Array([NaN, 0, 1, NaN, 2, 3]) }), 'ERR_QUANT_RANGE'],
    ['infinity in the batch (its own ranges)', q(new Float32Array([Infinity, 0]), { dim: 2, precision: 'uint8' }), 'ERR_QUANT_RANGE'],
    ['an empty batch without ranges', q(new Float32Array(0), { dim: 4, precision: 'int8' }), 'ERR_QUANT_RANGE'],
    ['calibration of another dim', q(x, { dim: 3, precision: 'int8', calibration: new Float32Array(4) }), 'ERR_QUANT_SHAPE'],
    ['calibration Uint16Array without calibrationDType', q(x, { dim: 3, precision: 'int8', calibration: new Uint16Array(6) }), 'ERR_QUANT_OPTION'],
    ['calibrationDType without calibration', q(x, { dim: 3, precision: 'int8', calibrationDType: 'float16' }), 'ERR_QUANT_OPTION'],
    ['out of the wrong type', q(x, { dim: 3, precision: 'int8', out: new Uint8Array(6) }), 'ERR_QUANT_OUTPUT'],
    ['out of the wrong length', q(x, { dim: 3, precision: 'binary', out: new Int8Array(6) }), 'ERR_QUANT_OUTPUT'],
    ['out overlapping the input', q(x, { dim: 3, precision: 'int8', out: new Int8Array(x.buffer, 0, 6) }), 'ERR_QUANT_OUTPUT'],
  ];
  for (const [name, fn, code] of cases) it(name, () => expect(codeOf(fn)).toBe(code));

  it('an empty batch with ranges is fine', () => {
    const r = quantizeEmbeddings(new Float32Array(0), { dim: 2, precision: 'int8', ranges: [[0, 0], [1, 1]] });
    expect(r.rows).toBe(0);
    expect(r.data.length).toBe(0);
  });
});
