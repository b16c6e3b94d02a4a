/*
 * Seeded pseudo-random data for differential tests: sfc32 (a small, fast, well-mixed 32-bit generator from
 * PractRand), so every failure can be replayed from its seed on any machine.
 */

export type Distribution = 'uniform' | 'normal' | 'heavy-tailed' | 'outliers';

export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'normal', 'heavy-tailed', 'outliers'];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One sample of a distribution with spread `scale`. */
  sample(dist: Distribution, scale: number): number {
    switch (dist) {
      case 'uniform':
        return (this.next() * 2 - 1) * scale;
      case 'normal':
        return this.normal() * scale;
      case 'heavy-tailed': // Student t with 2 degrees of freedom: finite mean, infinite variance
        return (this.normal() / Math.sqrt((this.normal() ** 2 + this.normal() ** 2) / 2)) * scale;
      case 'outliers': // normal, with 1 element in 100 a thousand times larger
        return this.normal() * scale * (this.next() < 0.01 ? 1000 : 1);
    }
  }

  fill(out: Float32Array | Float64Array, dist: Distribution, scale: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.sample(dist, scale);
  }
}

/** A 32-bit seed derived from a base seed and a label, so each sub-case has its own replayable stream. */
export function deriveSeed(base: number, label: string): number {
  let h = (base ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
