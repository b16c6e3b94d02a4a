/**
 * Seeded synthetic data for the calibration tests: a small PRNG (xoshiro128**, seeded through splitmix32) and
 * normal, Laplace and Student-t samplers. Deterministic on every platform: only 32-bit integer arithmetic and
 * Math.log / Math.sqrt / Math.cos of float64 values.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number) {
    let z = seed >>> 0;
    const next = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      return (t ^ (t >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in (0, 1): never exactly 0 or 1, so logs stay finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box-Muller, both outputs used). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Laplace with location 0 and scale b (inverse CDF). */
  laplace(b = 1): number {
    const u = this.uniform() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** Student-t with an integer number of degrees of freedom: Z / sqrt(chi2(nu) / nu). */
  studentT(nu: number): number {
    let chi2 = 0;
    for (let i = 0; i < nu; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    return this.normal() / Math.sqrt(chi2 / nu);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** n samples of a sampler into a Float32Array. */
export function sample(n: number, draw: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

/** Overwrites `count` evenly spaced elements with outliers of alternating sign and magnitude `magnitude`. */
export function withOutliers(x: Float32Array, count: number, magnitude: number): Float32Array {
  const stride = Math.floor(x.length / count);
  for (let i = 0; i < count; i++) x[i * stride + (i % 7)] = (i % 2 === 0 ? 1 : -1) * magnitude * (1 + i / count);
  return x;
}
