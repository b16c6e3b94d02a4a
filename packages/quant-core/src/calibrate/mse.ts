import { newMoments, type Moments } from './histogram.js';
import { finish, SEARCH_CHUNK, type PausingSearch } from './search-pauses.js';

/**
 * The histogram the MSE model search works on: bins over [lo, hi] plus the exact moments of the values left outside
 * (the tails of a zoomed pass). Bin j stands for its centre c_j = lo + (j + 0.5) w.
 */
export interface ModelHistogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: ArrayLike<number>;
  readonly below: Moments;
  readonly above: Moments;
}

export function modelHistogram(lo: number, hi: number, counts: ArrayLike<number>, below = newMoments(), above = newMoments()): ModelHistogram {
  return { lo, hi, counts, below, above };
}

/**
 * Minimises the modelled quantization MSE over candidate clipping ranges whose bounds are bin edges:
 *
 *   E(a, b) = sum over values below a of (v - a)^2  +  sum over values above b of (v - b)^2  +  N_inside step^2 / 12
 *
 * (clipping error, bins at their centres and tails exactly; rounding error as uniform noise over one step).
 * `abs`: the histogram holds |x| and only b is searched (symmetric: step = b / steps, steps = 2^(bits-1) - 1).
 * Otherwise (affine: step = (max(b, 0) - min(a, 0)) / steps, steps = qmax - qmin) a runs over edges <= 0 (or stays
 * at lo) and b over edges >= 0 (or stays at hi), by coordinate descent from [lo, hi] until neither bound moves.
 * Returns the chosen [a, b] (a = -b when abs).
 */
export function mseModelSearch(h: ModelHistogram, abs: boolean, steps: number): { min: number; max: number } {
  return finish(mseModel(h, abs, steps));
}

/** mseModelSearch as a search that pauses between rounds of its coordinate descent (search-pauses.ts). */
export function* mseModel(h: ModelHistogram, abs: boolean, steps: number): PausingSearch<{ min: number; max: number }> {
  const n = h.counts.length;
  const w = (h.hi - h.lo) / n;
  // Prefix sums of count, count * centre and count * centre^2 over bins [0, j).
  const p0 = new Float64Array(n + 1);
  const p1 = new Float64Array(n + 1);
  const p2 = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    const c = h.counts[j]!;
    const centre = h.lo + (j + 0.5) * w;
    p0[j + 1] = p0[j]! + c;
    p1[j + 1] = p1[j]! + c * centre;
    p2[j + 1] = p2[j]! + c * centre * centre;
  }
  const edge = (k: number): number => (k === n ? h.hi : h.lo + k * w);
  const { below, above } = h;
  // Sum of (v - t)^2 from moments, never negative.
  const spread = (n0: number, s1: number, s2: number, t: number): number => Math.max(s2 - 2 * t * s1 + t * t * n0, 0);
  const clipBelow = (k: number): number => {
    const a = edge(k);
    if (a > 0) return 0; // affine ranges always reach down to 0: nothing >= 0 is clipped
    return spread(p0[k]!, p1[k]!, p2[k]!, a) + spread(below.n, below.s1, below.s2, a);
  };
  const clipAbove = (m: number): number => {
    const b = edge(m);
    if (b < 0) return 0;
    return spread(p0[n]! - p0[m]!, p1[n]! - p1[m]!, p2[n]! - p2[m]!, b) + spread(above.n, above.s1, above.s2, b);
  };
  const rounding = (k: number, m: number): number => {
    const step = abs ? edge(m) / steps : (Math.max(edge(m), 0) - Math.min(edge(k), 0)) / steps;
    const inside = p0[m]! - p0[k]! + (abs ? below.n : 0);
    return (inside * step * step) / 12;
  };
  const error = (k: number, m: number): number => (abs ? 0 : clipBelow(k)) + clipAbove(m) + rounding(k, m);

  // Candidate index ranges: lower bounds at edges <= 0 (or only lo), upper bounds at edges >= 0 (or only hi).
  const kMax = abs || h.lo >= 0 ? 0 : Math.min(n - 1, Math.floor(-h.lo / w));
  const mMin = h.hi <= 0 ? n : Math.max(1, Math.ceil(-h.lo / w));
  let k = 0;
  let m = n;
  let work = 0; // candidates evaluated since the last pause (at most 2n per round)
  for (let iter = 0; iter < 64; iter++) {
    let bestK = k;
    if (!abs) {
      let best = Infinity;
      for (let kk = 0; kk <= Math.min(kMax, m - 1); kk++) {
        const e = error(kk, m);
        if (e < best) {
          best = e;
          bestK = kk;
        }
      }
    }
    let bestM = m;
    let best = Infinity;
    for (let mm = n; mm >= Math.max(mMin, bestK + 1); mm--) {
      const e = error(bestK, mm);
      if (e < best) {
        best = e;
        bestM = mm;
      }
    }
    if (bestK === k && bestM === m) break;
    k = bestK;
    m = bestM;
    work += n;
    if (work >= SEARCH_CHUNK) {
      work = 0;
      yield;
    }
  }
  const b = edge(m);
  return abs ? { min: -b, max: b } : { min: edge(k), max: b };
}
