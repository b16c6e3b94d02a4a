import { describe, expect, it } from 'vitest';
import { embeddingsFromJSON, embeddingsToJSON, quantizeEmbeddings, type QuantizeEmbeddingsOptions } from '../../src/embeddings/index.js';
import { Rng } from '../helpers/rng.js';
import { codeOf } from '../helpers/quant-error.js';

const rng = new Rng(5);
const x32 = new Float32Array(6 * 11).map(() => rng.normal());

const CASES: [string, Float32Array | Float64Array, QuantizeEmbeddingsOptions][] = [
  ['int8', x32, { dim: 11, precision: 'int8' }],
  ['int8 toward-zero', x32, { dim: 11, precision: 'int8', int8Rounding: 'toward-zero' }],
  ['uint8 float64', Float64Array.from(x32), { dim: 11, precision: 'uint8' }],
  ['uint8 with an empty range', x32.map((v, i) => (i % 11 === 3 ? 0.5 : v)), { dim: 11, precision: 'uint8' }],
  ['binary lsb nonnegative', x32, { dim: 11, precision: 'binary', bitOrder: 'lsb', threshold: 'nonnegative' }],
  ['ubinary', x32, { dim: 11, precision: 'ubinary' }],
];

describe('embeddingsToJSON / embeddingsFromJSON', () => {
  for (const [name, x, options] of CASES) {
    it(`${name}: round trip through JSON text`, () => {
      const q = quantizeEmbeddings(x, options);
      const json = embeddingsToJSON(q);
      expect(json.format).toBe('quantkit-embeddings');
      expect(typeof json.data).toBe('string');
      const back = embeddingsFromJSON(JSON.parse(JSON.stringify(json)));
      expect(back).toEqual(q);
      expect(back.data.constructor).toBe(q.data.constructor);
    });
  }

  it('refuses malformed data with QuantErrors', () => {
    const good = embeddingsToJSON(quantizeEmbeddings(x32, { dim: 11, precision: 'int8' }));
    expect(codeOf(() => embeddingsFromJSON(null))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, format: 'other' }))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, data: 'not base64!' }))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, data: good.data.slice(4) }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, steps: good.steps!.map((s) => s * 2) }))).toBe('ERR_QUANT_RANGE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, min: good.min!.map(() => 0.1) }))).toBe('ERR_QUANT_RANGE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, min: good.min!.slice(1) }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => embeddingsFromJSON({ ...good, precision: 'int4' }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => embeddingsFromJSON({ ...good, int8Rounding: 'nearest' }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => embeddingsFromJSON({ ...good, bytesPerRow: 3 }))).toBe('ERR_QUANT_SHAPE');
  });
});
