/**
 * The parameters of the seed notebook ("Implementing affine (asymmetric) and scale (symmetric) quantization from
 * scratch", after NVIDIA's TensorRT quantization toolkit introduction): 20 draws of np.random.uniform(-50, 150),
 * as the notebook printed them (8 decimals).
 */
export const NOTEBOOK_PARAMS: readonly number[] = Object.freeze([
  -10.89676688, 111.20132441, 28.54646861, 64.08626134, -44.95071907, 89.55659292, 58.83216999, -42.60038455, 129.03490232,
  -6.83378502, 141.84353818, -42.28612992, 98.82770315, 138.28224062, 17.29530148, 119.47436199, 8.19703339, 42.28238139,
  75.6475437, 8.80807161,
]);

/** mulberry32: a small seeded 32-bit generator; two outputs make one double in [0, 1) with 53 random bits. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/** n draws of uniform(low, high), like np.random.uniform. */
export function uniformParams(seed: number, n = 20, low = -50, high = 150): Float64Array {
  const u = seededUniform(seed);
  return Float64Array.from({ length: n }, () => low + (high - low) * u());
}
