import { expect, it } from 'vitest';
import * as core from '@quantkit/quant-core';
import { createNativeBackend, quantizeEmbeddings, searchBinaryRescore, topK } from '../src/index.js';
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

  it('topK gives the reference indices (ties by lower index, NaN last) for every score type and k, natively', () => {
    const backend = createNativeBackend();
    const f64 = Float64Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? NaN : i % 11 === 0 ? -0 : (i * 37) % 5));
    const i32 = Int32Array.from({ length: 50 }, (_, i) => ((i * 37) % 5) - 2 + (i === 3 ? -2147483648 : 0));
    const u32 = Uint32Array.from({ length: 50 }, (_, i) => (i === 9 ? 0xffffffff : (i * 37) % 5));
    for (const scores of [f64, i32, u32, new Float64Array(0)]) {
      for (const k of [0, 1, 7, scores.length, scores.length + 3, Infinity, 2.5]) {
        for (const order of ['ascending', 'descending'] as const) {
          const want = core.topK(scores, k, order);
          expect(topK(scores, k, order), `${scores.constructor.name} k ${k} ${order}`).toStrictEqual(want);
          const size = Math.min(k, scores.length);
          if (!Number.isInteger(size)) continue;
          const out = new Uint32Array(size);
          expect(backend.topKKernel(scores, size, order, out)).toBe(size);
          expect(out).toStrictEqual(want);
        }
      }
    }
    // Other arrays go to the reference's selection.
    expect(topK([3, 1, NaN, 1], 3, 'ascending')).toStrictEqual(Uint32Array.of(1, 3, 0));
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
