import { Rng } from '../helpers/rng.js';

/**
 * Seeded synthetic data for the calibration tests: normal, Laplace and Student-t samplers on the tests' seeded
 * generator (sfc32, see ../helpers/rng.ts). Deterministic on every platform: only 32-bit integer arithmetic and
 * Math.log / Math.sqrt / Math.cos of float64 values.
 */
export class Random {
  private readonly rng: Rng;
  private spare: number | undefined;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.rng.u32();
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
