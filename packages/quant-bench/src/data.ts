/**
 * Benchmark inputs: deterministic pseudo-random float32 data (the same on every run), roughly normal like weights and
 * activations, with no NaN or infinities (special values are the conformance suite's business, not the benchmark's).
 */

import { Rng } from '@quantkit/quant-conformance/random';

/** Uniform in [0, 1) from the conformance suite's seeded generator (sfc32), one 32-bit output per value. */
function generator(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.u32() / 4294967296;
}

/** n float32 values, the sum of three uniforms centred on 0 (bell-shaped, in (-1.5, 1.5)) times 2. */
export function benchInput(n: number, seed = 42): Float32Array {
  const next = generator(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (next() + next() + next() - 1.5) * 2;
  return x;
}

/** Human-readable element count: 20, 4096, 256K, 4M, 64M. */
export function formatSize(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1 << 10 && n % (1 << 10) === 0 && n > 4096) return `${n / (1 << 10)}K`;
  return String(n);
}
