import { expect, it } from 'vitest';
import * as core from '@quantkit/quant-core';
import { createNativeBackend, quantizeEmbeddings, searchBinaryRescore } from '../src/index.js';
import { describeNative } from './helpers.js';

/* The embedding functions bound to the native backend: the reference's results, float32 natively, float64 through the reference. */

function rows(n: number, dim: number, type: typeof Float32Array | typeof Float64Array): Float32Array | Float64Array {
  const x = new type(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.sin(i * 12.9898) * 3);
  return x;
}

describeNative('embeddings on the native backend', () => {
  it('quantizeEmbeddings gives the reference codes for float32 and float64 rows, every precision', () => {
    for (const type of [Float32Array, Float64Array]) {
      const x = rows(37, 45, type);
      for (const precision of ['int8', 'uint8', 'binary', 'ubinary'] as const) {
        expect(quantizeEmbeddings(x, { dim: 45, precision }), `${type.name} ${precision}`).toStrictEqual(core.quantizeEmbeddings(x, { dim: 45, precision }));
      }
    }
  });

  it('searchBinaryRescore finds the reference rows with the reference scores', () => {
    const x = rows(300, 100, Float32Array) as Float32Array;
    const binary = core.quantizeEmbeddings(x, { dim: 100, precision: 'ubinary' }) as core.BinaryQuantizedEmbeddings;
    const int8 = core.quantizeEmbeddings(x, { dim: 100, precision: 'int8' }) as core.ScalarQuantizedEmbeddings;
    const query = x.slice(500, 600);
    for (const rescoreWith of [int8, x]) {
      for (const metric of ['dot', 'l2'] as const) {
        const o = { k: 5, metric, rescoreWith };
        expect(searchBinaryRescore(query, binary, o)).toStrictEqual(core.searchBinaryRescore(query, binary, o));
      }
    }
  });

  it('runs float32 calls natively and float64 ones on the reference', () => {
    const backend = createNativeBackend();
    expect(backend.capabilities.embeddings).toStrictEqual(['float32']);
    const calls: string[] = [];
    const spy: core.Backend = {
      ...backend,
      quantizeEmbeddingRows: (...a) => {
        calls.push('native');
        backend.quantizeEmbeddingRows(...a);
      },
    };
    const api = core.createEmbeddingsApi(spy);
    api.quantizeEmbeddings(rows(4, 8, Float32Array), { dim: 8, precision: 'int8' });
    api.quantizeEmbeddings(rows(4, 8, Float64Array), { dim: 8, precision: 'int8' });
    expect(calls).toStrictEqual(['native']);
  });
});
