import { describe, expect, it } from 'vitest';
import { topK } from '../../src/embeddings/index.js';
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
});
