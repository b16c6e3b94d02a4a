import { describe, expect, it } from 'vitest';
import {
  dotScanAsymmetric,
  dotScanFloat,
  l2ScanFloat,
  quantizeEmbeddings,
  searchBinaryRescore,
  topK,
  type BinaryQuantizedEmbeddings,
  type ScalarQuantizedEmbeddings,
} from '../../src/embeddings/index.js';
import { codeOf } from '../helpers/quant-error.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(11);
const dim = 24;
const rows = 200;
const corpus = new Float32Array(rows * dim).map(() => rng.normal());
const binary = quantizeEmbeddings(corpus, { dim, precision: 'ubinary' }) as BinaryQuantizedEmbeddings;
const int8 = quantizeEmbeddings(corpus, { dim, precision: 'int8' }) as ScalarQuantizedEmbeddings;
const query = new Float32Array(dim).map(() => rng.normal());

describe('searchBinaryRescore', () => {
  it('with every row as a candidate it is exact search under the rescoring metric', () => {
    for (const metric of ['dot', 'l2'] as const) {
      const result = searchBinaryRescore(query, binary, { k: 10, rescoreMultiplier: rows, metric, rescoreWith: corpus });
      const exact = new Float64Array(rows);
      (metric === 'dot' ? dotScanFloat : l2ScanFloat)(query, corpus, dim, exact);
      const best = topK(exact, 10, metric === 'dot' ? 'descending' : 'ascending');
      expect(result.indices).toEqual(best);
      expect(Array.from(result.scores)).toEqual(Array.from(best, (i) => exact[i]!));
    }
  });

  it('rescoring with int8 codes scores the candidates asymmetrically', () => {
    const result = searchBinaryRescore(query, binary, { k: 5, rescoreWith: int8 });
    const all = new Float64Array(rows);
    dotScanAsymmetric(query, int8.data, int8.min, int8.steps, dim, all);
    for (let i = 0; i < result.indices.length; i++) expect(result.scores[i]).toBe(all[result.indices[i]!]);
    expect(result.indices.length).toBe(5);
    for (let i = 1; i < 5; i++) expect(result.scores[i - 1]!).toBeGreaterThanOrEqual(result.scores[i]!);
  });

  it('candidates are the k * multiplier smallest Hamming distances (ties to the lower row)', () => {
    // Rows 0..3 identical: the same distance and the same score; the lower rows win.
    const same = new Float32Array(6 * 8);
    for (let r = 0; r < 6; r++) for (let i = 0; i < 8; i++) same[r * 8 + i] = r < 4 ? (i % 2 ? 1 : -1) : i % 3 ? -1 : 1;
    const b = quantizeEmbeddings(same, { dim: 8, precision: 'binary' }) as BinaryQuantizedEmbeddings;
    const result = searchBinaryRescore(same.subarray(0, 8), b, { k: 2, rescoreMultiplier: 1.5, rescoreWith: same });
    expect(Array.from(result.indices)).toEqual([0, 1]);
  });

  it('validates its inputs', () => {
    expect(codeOf(() => searchBinaryRescore(query, int8 as never, { k: 1, rescoreWith: corpus }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => searchBinaryRescore(query.subarray(1), binary, { k: 1, rescoreWith: corpus }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: -1, rescoreWith: corpus }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: 1, rescoreMultiplier: 0.5, rescoreWith: corpus }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: 1, metric: 'cosine' as never, rescoreWith: corpus }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: 1, rescoreWith: corpus.subarray(dim) }))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: 1, rescoreWith: binary as never }))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => searchBinaryRescore(Float64Array.from(query), binary, { k: 1, rescoreWith: int8 }))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => searchBinaryRescore(query, binary, { k: 1, rescoreWith: corpus, oversampling: 2 } as never))).toBe('ERR_QUANT_UNKNOWN_OPTION');
  });
});
