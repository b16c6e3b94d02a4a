import { finish, SEARCH_CHUNK, type PausingSearch } from './search-pauses.js';

/**
 * TensorRT's KL-divergence ("entropy") threshold: pytorch-quantization `calib/histogram.py` `_compute_amax_entropy`,
 * ported step for step (docs/CALIBRATION.md). Input: a histogram of |x| whose bin j covers [j w, (j + 1) w).
 * Output: the number of bins i to keep, i.e. amax = i w (TensorRT's calib_bin_edges[i]).
 *
 *   bins = hist; bins[0] = bins[1]                      (suppress the spike of exact zeros)
 *   for i = startBin, startBin + stride, ... <= n:      (candidate: clip at edge i)
 *     level(j) = floor(j levels / i) for j < i          (np.digitize on linspace(0, i, levels + 1))
 *     Q[j] = mean of the non-empty bins of level(j), 0 for an empty bin
 *     P = bins[0..i), P[i - 1] += sum(bins[i..n))       (clipped values folded into the last bin)
 *     KL_i = sum_j p_j ln(p_j / q_j) over p_j > 0, P and Q each normalised to sum 1 (scipy.stats.entropy)
 *   return the LAST i with the smallest KL_i
 *
 * Differences from the Python: sums run in element order (numpy sums pairwise), so KL values can differ in the last
 * bits; if no candidate exists (startBin > n) the whole histogram is kept (TensorRT would fail on an empty argmin).
 */
export function entropyThresholdBin(hist: ArrayLike<number>, levels: number, startBin: number, stride: number): number {
  return finish(entropySearch(hist, levels, startBin, stride));
}

/** entropyThresholdBin as a search that pauses (yields) after every SEARCH_CHUNK units of work (search-pauses.ts). */
export function* entropySearch(hist: ArrayLike<number>, levels: number, startBin: number, stride: number): PausingSearch<number> {
  const n = hist.length;
  if (startBin > n) return n;
  const bins = Float64Array.from(hist);
  if (n > 1) bins[0] = bins[1]!;
  const suffix = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + bins[j]!;
  // Only non-empty bins contribute to any sum below (empty ones add exact zeros), so the loops run over them alone:
  // the cost per candidate is the number of non-empty bins below it, and the result is the dense loop's bit for bit.
  const nonEmpty: number[] = [];
  for (let j = 0; j < n; j++) if (bins[j] !== 0) nonEmpty.push(j);
  const q = new Float64Array(nonEmpty.length);
  let best = n;
  let bestKl = Infinity;
  let m = 0; // non-empty bins below the candidate
  let below = 0; // their total, in bin order
  let work = 0; // (candidate, bin) pairs since the last pause
  for (let i = startBin; i <= n; i += stride) {
    while (m < nonEmpty.length && nonEmpty[m]! < i) below += bins[nonEmpty[m++]!]!;
    // Q: the mean of each level's non-empty bins; levels are runs of equal floor(j levels / i), j ascending.
    let sumQ = 0;
    for (let t = 0; t < m; ) {
      const g = Math.floor((nonEmpty[t]! * levels) / i);
      let sum = 0;
      let end = t;
      while (end < m && Math.floor((nonEmpty[end]! * levels) / i) === g) sum += bins[nonEmpty[end++]!]!;
      const mean = sum / (end - t);
      for (; t < end; t++) {
        q[t] = mean;
        sumQ += mean;
      }
    }
    const outliers = suffix[i]!;
    const sumP = below + outliers;
    // P: the bins below i with the clipped mass folded into bin i - 1; an empty bin i - 1 then has p > 0 = q.
    let kl = outliers > 0 && bins[i - 1] === 0 ? Infinity : 0;
    for (let t = 0; t < m; t++) {
      const j = nonEmpty[t]!;
      const pk = (j === i - 1 ? bins[j]! + outliers : bins[j]!) / sumP;
      const qk = q[t]! / sumQ;
      kl += pk * Math.log(pk / qk);
    }
    if (kl <= bestKl) {
      bestKl = kl;
      best = i;
    }
    work += m + 1;
    if (work >= SEARCH_CHUNK) {
      work = 0;
      yield;
    }
  }
  return best;
}
