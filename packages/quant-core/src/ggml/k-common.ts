/*
 * The helpers of upstream's K-quant reference quantizers (ggml-quants.c), bit-exact without FMA contraction:
 *   makeQxQuants   mirrors make_qx_quants with rmse_type 1 and no quant weights (as quantize_row_q6_K_ref calls it),
 *   makeQ3Quants   mirrors make_q3_quants with do_rmse true (quantize_row_q3_K_ref),
 *   makeQkx2Quants mirrors make_qkx2_quants (quantize_row_q2_K_ref, q4_K, q5_K),
 *   scaleMinK4     mirrors get_scale_min_k4 (the 6-bit scales and mins of q4_K / q5_K).
 * Every float expression is rounded as C evaluates it, left to right (c-float.ts); `f32(a * b) * c` is C's `a*b*c`.
 */

import { F32_0_1, GROUP_MAX_EPS, f32, nearestInt } from './c-float.js';

/** The signed element of largest magnitude (the first one), or 0 when all are below GROUP_MAX_EPS (then amax < eps). */
function signedMax(x: Float32Array, xo: number, n: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xo + i]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + i]!;
    }
  }
  return amax < GROUP_MAX_EPS ? 0 : max;
}

let sumLX = 0; // the sums of the last weightedCodes
let sumL2 = 0;

/**
 * The codes l = clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1) of x[xo..xo+n) with their x^2-weighted sums,
 * accumulated in order as upstream: sumLX = sum w*x*l, sumL2 = sum w*l*l. Writes l + offset to L[lo + i] when L is given.
 */
function weightedCodes(n: number, nmax: number, iscale: number, x: Float32Array, xo: number, L: Int8Array | undefined, lo: number, offset: number): void {
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f32(iscale * xi))));
    if (L !== undefined) L[lo + i] = l + offset;
    const w = f32(xi * xi);
    sumlx = f32(sumlx + f32(f32(w * xi) * l));
    suml2 = f32(suml2 + f32(f32(w * l) * l));
  }
  sumLX = sumlx;
  sumL2 = suml2;
}

/**
 * make_qx_quants(n, nmax, x, L, 1, NULL): codes L[lo + i] in [0, 2 * nmax), weights x^2, scale search over
 * iscale = -(nmax + 0.1 * is) / max for is in -9..9. Returns the scale.
 */
export function makeQxQuants(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  const max = signedMax(x, xo, n);
  if (max === 0) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  weightedCodes(n, nmax, f32(-nmax / max), x, xo, L, lo, nmax);
  let scale = sumL2 !== 0 ? f32(sumLX / sumL2) : 0;
  let best = f32(scale * sumLX);
  for (let is = -9; is <= 9; ++is) {
    if (is === 0) continue;
    const iscale = f32(-f32(nmax + f32(F32_0_1 * is)) / max);
    weightedCodes(n, nmax, iscale, x, xo, undefined, 0, 0);
    if (sumL2 > 0 && f32(sumLX * sumLX) > f32(best * sumL2)) {
      weightedCodes(n, nmax, iscale, x, xo, L, lo, nmax); // the same codes and sums again, now stored
      scale = f32(sumLX / sumL2);
      best = f32(scale * sumLX);
    }
  }
  return scale;
}

/**
 * make_q3_quants(n, nmax, x, L, true): codes in [-nmax, nmax) refined by up to 5 rounds of per-element moves that
 * improve the weighted (x^2) fit, stored as L[lo + i] + nmax. Returns the scale.
 */
export function makeQ3Quants(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  const max = signedMax(x, xo, n);
  if (max === 0) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  weightedCodes(n, nmax, f32(-nmax / max), x, xo, L, lo, 0);
  let sumlx = sumLX;
  let suml2 = sumL2;
  for (let itry = 0; itry < 5; ++itry) {
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const li = L[lo + i]!;
      const w = f32(xi * xi);
      let slx = f32(sumlx - f32(f32(w * xi) * li));
      if (slx > 0) {
        let sl2 = f32(suml2 - f32(f32(w * li) * li));
        let newL = nearestInt(f32(f32(xi * sl2) / slx));
        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
        if (newL !== li) {
          slx = f32(slx + f32(f32(w * xi) * newL));
          sl2 = f32(sl2 + f32(f32(w * newL) * newL));
          if (sl2 > 0 && f32(f32(slx * slx) * suml2) > f32(f32(sumlx * sumlx) * sl2)) {
            L[lo + i] = newL;
            sumlx = slx;
            suml2 = sl2;
            ++nChanged;
          }
        }
      }
    }
    if (nChanged === 0) break;
  }
  for (let i = 0; i < n; i++) L[lo + i] = L[lo + i]! + nmax;
  return suml2 > 0 ? f32(sumlx / suml2) : 0;
}

/** Scratch of makeQkx2Quants (Laux of upstream), large enough for its n of 16 and 32. */
const LAUX = new Uint8Array(32);

/**
 * make_qkx2_quants(n, nmax, x, weights, L, &the_min, Laux, rmin, rdelta, nstep, use_mad): an affine fit
 * x ~ scale * L - the_min with L in [0, nmax] and the_min >= 0, searching iscale = (rmin + rdelta * is + nmax) / (max - min)
 * for is in 0..nstep by weighted least squares, keeping the lowest weighted error (absolute with useMad, else squared).
 * Writes L[lo..lo+n), theMin[mi] = the_min; returns the scale.
 */
export function makeQkx2Quants(
  n: number, nmax: number, x: Float32Array, xo: number, weights: Float32Array, L: Uint8Array, lo: number,
  theMin: Float32Array, mi: number, rmin: number, rdelta: number, nstep: number, useMad: boolean,
): number {
  let min = x[xo]!;
  let max = x[xo]!;
  let sumW = weights[0]!;
  let sumX = f32(sumW * x[xo]!);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i]!;
    sumW = f32(sumW + w);
    sumX = f32(sumX + f32(w * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    theMin[mi] = -min;
    return 0;
  }
  let iscale = f32(nmax / f32(max - min));
  let scale = f32(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = Math.max(0, Math.min(nmax, nearestInt(f32(iscale * f32(xi - min)))));
    L[lo + i] = l;
    const diff = f32(f32(f32(scale * l) + min) - xi);
    bestError = f32(bestError + f32(weights[i]! * (useMad ? Math.abs(diff) : f32(diff * diff))));
  }
  if (nstep < 1) {
    theMin[mi] = -min;
    return scale;
  }
  for (let is = 0; is <= nstep; ++is) {
    // min is the best fit's so far (upstream updates it in this loop), in the range and in the codes alike.
    iscale = f32(f32(f32(rmin + f32(rdelta * is)) + nmax) / f32(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXl = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = Math.max(0, Math.min(nmax, nearestInt(f32(iscale * f32(xi - min)))));
      LAUX[i] = l;
      const wl = f32(weights[i]! * l);
      sumL = f32(sumL + wl);
      sumL2 = f32(sumL2 + f32(wl * l));
      sumXl = f32(sumXl + f32(wl * xi));
    }
    const D = f32(f32(sumW * sumL2) - f32(sumL * sumL));
    if (D > 0) {
      let thisScale = f32(f32(f32(sumW * sumXl) - f32(sumX * sumL)) / D);
      let thisMin = f32(f32(f32(sumL2 * sumX) - f32(sumL * sumXl)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f32(sumXl / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        const diff = f32(f32(f32(thisScale * LAUX[i]!) + thisMin) - x[xo + i]!);
        curError = f32(curError + f32(weights[i]! * (useMad ? Math.abs(diff) : f32(diff * diff))));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lo + i] = LAUX[i]!;
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  theMin[mi] = -min;
  return scale;
}

/** get_scale_min_k4(j, q): the 6-bit scale (low 8 bits of the result) and min (bits 8..15) of sub-block j. */
export function scaleMinK4(j: number, q: Uint8Array, qo: number): number {
  if (j < 4) return (q[qo + j]! & 63) | ((q[qo + j + 4]! & 63) << 8);
  const d = (q[qo + j + 4]! & 0x0f) | ((q[qo + j - 4]! >> 6) << 4);
  const m = (q[qo + j + 4]! >> 4) | ((q[qo + j]! >> 6) << 4);
  return d | (m << 8);
}
