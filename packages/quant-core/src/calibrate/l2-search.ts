import { finish, SEARCH_CHUNK, type PausingSearch } from './search-pauses.js';

/**
 * PyTorch HistogramObserver's range search (`_non_linear_param_search`, ported from caffe2's NormMinimization),
 * step for step (docs/CALIBRATION.md). Input: a histogram over [lo, hi] and the number of quantization levels.
 * Output: the first and last bin kept; the range is [lo + w start, lo + w (end + 1)].
 *
 * Differences from PyTorch: float64 throughout (PyTorch computes the error terms in float32), and the caller passes
 * the real number of levels (qmax - qmin + 1) where PyTorch always uses 2^bits.
 */
export function l2SearchBins(hist: ArrayLike<number>, lo: number, hi: number, levels: number): { start: number; end: number } {
  return finish(l2Search(hist, lo, hi, levels));
}

/** l2SearchBins as a search that pauses after every SEARCH_CHUNK bins of error evaluation (search-pauses.ts). */
export function* l2Search(hist: ArrayLike<number>, lo: number, hi: number, levels: number): PausingSearch<{ start: number; end: number }> {
  const n = hist.length;
  const binWidth = (hi - lo) / n;
  const cSum = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    total += hist[j]!;
    cSum[j] = total;
  }
  const stepSize = 1e-5;
  let alpha = 0;
  let beta = 1;
  let start = 0;
  let end = n - 1;
  let normMin = Infinity;
  let work = 0; // bins visited since the last pause
  while (alpha < beta) {
    const nextAlpha = alpha + stepSize;
    const nextBeta = beta - stepSize;
    let l = start;
    let r = end;
    while (l < end && cSum[l]! < nextAlpha * total) l++;
    while (r > start && cSum[r]! > nextBeta * total) r--;
    let nextStart = start;
    let nextEnd = end;
    if (l - start > end - r) {
      nextStart = l;
      alpha = nextAlpha;
    } else {
      nextEnd = r;
      beta = nextBeta;
    }
    if (nextStart === start && nextEnd === end) continue;
    const norm = l2QuantizationError(hist, binWidth, levels, nextStart, nextEnd);
    work += n;
    if (work >= SEARCH_CHUNK) {
      work = 0;
      yield;
    }
    if (norm > normMin) break;
    normMin = norm;
    start = nextStart;
    end = nextEnd;
  }
  return { start, end };
}

/**
 * `_compute_quantization_error`: the expected squared error if bins [start, end] were spread over `levels` equal
 * destination bins, every source bin's mass uniform over its width and every value snapped to the centre of its
 * destination bin. Source bins outside [start, end] map to the first or last destination bin, so clipping counts.
 */
export function l2QuantizationError(hist: ArrayLike<number>, binWidth: number, levels: number, start: number, end: number): number {
  const dstWidth = (binWidth * (end - start + 1)) / levels;
  if (dstWidth === 0) return 0;
  const half = dstWidth / 2;
  const fullCube = (half * half * half - -half * -half * -half) / 3;
  let norm = 0;
  for (let j = 0; j < hist.length; j++) {
    const count = hist[j]!;
    if (count === 0) continue;
    const begin = (j - start) * binWidth;
    const stop = begin + binWidth;
    const dstBegin = Math.min(Math.max(Math.floor(begin / dstWidth), 0), levels - 1);
    const dstEnd = Math.min(Math.max(Math.floor(stop / dstWidth), 0), levels - 1);
    const density = count / binWidth;
    const d1 = begin - (dstBegin + 0.5) * dstWidth;
    norm += density * ((half * half * half - d1 * d1 * d1) / 3);
    norm += (dstEnd - dstBegin - 1) * (density * fullCube);
    const d2 = stop - (dstEnd * dstWidth + half);
    norm += density * ((d2 * d2 * d2 - -half * -half * -half) / 3);
  }
  return norm;
}
