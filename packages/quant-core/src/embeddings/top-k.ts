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

/**
 * The min(k, n) best item numbers of 0..n-1 under `better` into out[0, size), best first (out is the heap: no other
 * memory); returns size. k must be an integer or ±Infinity; out.length >= size.
 */
export function selectBestInto(n: number, k: number, better: (a: number, b: number) => boolean, out: Uint32Array): number {
  const size = Math.max(0, Math.min(k, n));
  if (size === 0) return 0;
  const heap = out;
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
  return size;
}

/** The k best item numbers of 0..n-1 under `better`, best first. */
export function selectBest(n: number, k: number, better: (a: number, b: number) => boolean): Uint32Array {
  const size = Math.max(0, Math.min(k, n));
  const heap = new Uint32Array(size);
  if (size === 0) return heap;
  selectBestInto(n, size, better, heap);
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

/** The kernel table's topKKernel (kernel-table.ts): topK into a caller's `out`; returns how many it wrote. */
export function topKKernel(scores: Float64Array | Int32Array | Uint32Array, k: number, order: ScoreOrder, out: Uint32Array): number {
  return selectBestInto(scores.length, k, scoreOrder(scores, order), out);
}

/** The typed arrays topKKernel takes. */
export function isKernelScores(scores: unknown): scores is Float64Array | Int32Array | Uint32Array {
  return scores instanceof Float64Array || scores instanceof Int32Array || scores instanceof Uint32Array;
}

/**
 * topK on a topKKernel (a backend's): the kernel for Float64Array / Int32Array / Uint32Array scores and a whole number
 * of results, the reference's selection otherwise (other arrays, a fractional or NaN k) - the same indices either way.
 */
export function topKOn(kernel: (scores: Float64Array | Int32Array | Uint32Array, k: number, order: ScoreOrder, out: Uint32Array) => number, scores: ArrayLike<number>, k: number, order: ScoreOrder): Uint32Array {
  const size = Math.max(0, Math.min(k, scores.length));
  if (!isKernelScores(scores) || !Number.isInteger(size) || (order !== 'ascending' && order !== 'descending')) return selectBest(scores.length, k, scoreOrder(scores, order));
  const out = new Uint32Array(size);
  if (size > 0) kernel(scores, size, order, out);
  return out;
}

/**
 * Indices of the k best scores, best first: the largest for 'descending' (dot products), the smallest for 'ascending'
 * (Hamming and L2 distances); equal scores by lower index; NaN last. k above scores.length returns every index.
 */
export function topK(scores: ArrayLike<number>, k: number, order: ScoreOrder): Uint32Array {
  return selectBest(scores.length, k, scoreOrder(scores, order));
}
