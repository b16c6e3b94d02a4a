import { describe, expect, it } from 'vitest';
import { kernels, referenceBackend } from '../../src/index.js';
import { topK, topKKernel } from '../../src/embeddings/index.js';
import { topK as topKLoop } from '../../src/embeddings/top-k.js';
import { Rng } from '../helpers/rng.js';

function bySort(scores: ArrayLike<number>, k: number, order: 'ascending' | 'descending'): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    if (Number.isNaN(sa) || Number.isNaN(sb)) return Number.isNaN(sa) === Number.isNaN(sb) ? a - b : Number.isNaN(sa) ? 1 : -1;
    if (sa !== sb) return order === 'descending' ? sb - sa : sa - sb;
    return a - b;
  });
  return idx.slice(0, Math.max(0, k));
}

describe('topK', () => {
  it('breaks ties by the lower index, in both orders', () => {
    const scores = new Float64Array([3, 1, 3, 2, 1, 3]);
    expect(Array.from(topK(scores, 4, 'descending'))).toEqual([0, 2, 5, 3]);
    expect(Array.from(topK(scores, 3, 'ascending'))).toEqual([1, 4, 3]);
  });

  it('ranks NaN last and treats -0 and +0 as equal', () => {
    const scores = new Float64Array([NaN, -0, 0, NaN, -1]);
    expect(Array.from(topK(scores, 5, 'descending'))).toEqual([1, 2, 4, 0, 3]);
    expect(Array.from(topK(scores, 5, 'ascending'))).toEqual([4, 1, 2, 0, 3]);
  });

  it('k = 0, and k above the count', () => {
    expect(topK(new Uint32Array([1, 2]), 0, 'ascending').length).toBe(0);
    expect(Array.from(topK(new Uint32Array([5, 2, 9]), 10, 'ascending'))).toEqual([1, 0, 2]);
    expect(topK(new Float64Array(0), 3, 'descending').length).toBe(0);
  });

  it('equals a full stable sort on random scores with many ties', () => {
    const rng = new Rng(77);
    for (let round = 0; round < 200; round++) {
      const n = rng.int(0, 300);
      const scores = Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? NaN : rng.int(-6, 6)));
      const k = rng.int(0, n + 2);
      for (const order of ['ascending', 'descending'] as const) expect(Array.from(topK(scores, k, order))).toEqual(bySort(scores, k, order));
      const ints = Int32Array.from({ length: n }, () => rng.int(-3, 3));
      expect(Array.from(topK(ints, k, 'descending'))).toEqual(bySort(ints, k, 'descending'));
    }
  });

  it('the bound topK is the plain selection for every array type and k (kernel or not)', () => {
    const rng = new Rng(78);
    for (let round = 0; round < 100; round++) {
      const n = rng.int(0, 60);
      const values = Array.from({ length: n }, () => (rng.next() < 0.1 ? NaN : rng.int(-3, 3)));
      for (const scores of [Float64Array.from(values), Int32Array.from(values, (v) => v | 0), Uint32Array.from(values, (v) => v >>> 0), Float32Array.from(values), values]) {
        for (const k of [0, 1, n, n + 2, rng.int(0, n), Infinity, 1.5, NaN]) {
          for (const order of ['ascending', 'descending'] as const) expect(topK(scores, k, order)).toStrictEqual(topKLoop(scores, k, order));
        }
      }
    }
  });
});

describe('topKKernel', () => {
  it('writes min(k, n) indices into out and returns the count', () => {
    const out = new Uint32Array(3);
    expect(topKKernel(new Int32Array([5, -1, 5, 7]), 3, 'descending', out)).toBe(3);
    expect(Array.from(out)).toEqual([3, 0, 2]);
    const all = new Uint32Array(2);
    expect(kernels.topKKernel(new Uint32Array([9, 1]), 5, 'ascending', all)).toBe(2);
    expect(Array.from(all)).toEqual([1, 0]);
    expect(referenceBackend.topKKernel(new Float64Array(0), 0, 'ascending', new Uint32Array(0))).toBe(0);
  });

  it('kernels.topKKernel refuses bad arguments', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    const s = new Float64Array(4);
    expect(code(() => kernels.topKKernel(new Float32Array(4) as unknown as Float64Array, 1, 'ascending', new Uint32Array(1)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(code(() => kernels.topKKernel(s, -1, 'ascending', new Uint32Array(0)))).toBe('ERR_QUANT_OPTION');
    expect(code(() => kernels.topKKernel(s, 1.5, 'ascending', new Uint32Array(1)))).toBe('ERR_QUANT_OPTION');
    expect(code(() => kernels.topKKernel(s, 1, 'up' as 'ascending', new Uint32Array(1)))).toBe('ERR_QUANT_OPTION');
    expect(code(() => kernels.topKKernel(s, 2, 'ascending', new Uint32Array(1)))).toBe('ERR_QUANT_OUTPUT');
    expect(code(() => kernels.topKKernel(s, 9, 'ascending', new Uint32Array(5)))).toBe('ERR_QUANT_OUTPUT');
    expect(code(() => kernels.topKKernel(s, 2, 'ascending', new Uint32Array(s.buffer, 0, 2)))).toBe('ERR_QUANT_OUTPUT');
  });
});
