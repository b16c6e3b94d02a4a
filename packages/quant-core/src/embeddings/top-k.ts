import type { ScoreOrder } from './types.js';

/*
 * Top-k selection: the k best of n items, best first, where `better(a, b)` is a strict total order on item numbers. A
 * heap of the k best so far with the worst at its root: O(n log k) comparisons, no allocation beyond the result.
 */

function siftDown(heap: Uint32Array, size: number, start: number, better: (a: number, b: number) => boolean): void {
  let i = start;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    // The worse child goes up: the root is the worst kept item.
    const worse = r < size && better(heap[l]!, heap[r]!) ? r : l;
    if (!better(heap[i]!, heap[worse]!)) return;
    const t = heap[i]!;
    heap[i] = heap[worse]!;
    heap[worse] = t;
    i = worse;
  }
}

/** The k best item numbers of 0..n-1 under `better`, best first. */
export function selectBest(n: number, k: number, better: (a: number, b: number) => boolean): Uint32Array {
  const size = Math.max(0, Math.min(k, n));
  const heap = new Uint32Array(size);
  if (size === 0) return heap;
  for (let i = 0; i < size; i++) heap[i] = i;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, size, i, better);
  for (let i = size; i < n; i++) {
    if (better(i, heap[0]!)) {
      heap[0] = i;
      siftDown(heap, size, 0, better);
    }
  }
  // Heap sort in place: the worst goes to the end, leaving the items best first.
  for (let end = size - 1; end > 0; end--) {
    const t = heap[0]!;
    heap[0] = heap[end]!;
    heap[end] = t;
    siftDown(heap, end, 0, better);
  }
  return heap;
}

/**
 * `better` for scores in `order`, ties broken by the lower `tieKey` (the item number itself by default); NaN ranks after
 * every number. -0 and +0 tie.
 */
export function scoreOrder(scores: ArrayLike<number>, order: ScoreOrder, tieKey?: ArrayLike<number>): (a: number, b: number) => boolean {
  const descending = order === 'descending';
  return (a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    const aNaN = sa !== sa;
    const bNaN = sb !== sb;
    if (aNaN !== bNaN) return bNaN;
    if (!aNaN && sa !== sb) return descending ? sa > sb : sa < sb;
    return tieKey === undefined ? a < b : tieKey[a]! < tieKey[b]!;
  };
}

/**
 * Indices of the k best scores, best first: the largest for 'descending' (dot products), the smallest for 'ascending'
 * (Hamming and L2 distances); equal scores by lower index; NaN last. k above scores.length returns every index.
 */
export function topK(scores: ArrayLike<number>, k: number, order: ScoreOrder): Uint32Array {
  return selectBest(scores.length, k, scoreOrder(scores, order));
}
