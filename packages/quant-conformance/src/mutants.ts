import {
  kernelErrorReport,
  referenceBackend as ref,
  type AxisLayout,
  type Backend,
  type BlockLayout,
  type FloatArray,
  type IntArray,
  type KernelSpec,
} from '@quantkit/quant-core';

/*
 * Deliberately wrong backends, to prove the suite can fail: each differs from the reference by one classic kernel
 * bug. This package's tests run every check against every mutant and require at least one failure per mutant, and
 * require the faithful re-implementation ('control') to pass everything (so failures come from the mutation).
 */

interface QuantizeFlags {
  /** Round half up (Math.floor(t + 0.5)) instead of half to even. */
  readonly roundHalfUp?: boolean;
  /** Multiply by the reciprocal in the onnx profile too. */
  readonly reciprocalOnnx?: boolean;
  /** Add the zero point before rounding: round(t + zp) instead of round(t) + zp. */
  readonly zeroPointBeforeRounding?: boolean;
  /** Skip the clamp: codes wrap when stored (and NaN stores as 0). */
  readonly noSaturation?: boolean;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A scalar quantize loop with the reference's semantics, except for the flagged mutations. */
function quantizeRun(x: FloatArray, out: IntArray | Int32Array, start: number, end: number, scale: number, zp: number, spec: KernelSpec, f: QuantizeFlags): void {
  const single = x instanceof Float32Array;
  const fl = single ? Math.fround : (v: number) => v;
  const s = fl(scale);
  const recip = fl(1 / s);
  const divide = spec.profile === 'onnx' && !f.reciprocalOnnx;
  const lo = spec.qmin - zp;
  const hi = spec.qmax - zp;
  for (let i = start; i < end; i++) {
    let t = divide ? fl(x[i]! / s) : fl(x[i]! * recip);
    if (!f.noSaturation) {
      t = t > lo ? t : lo;
      t = t < hi ? t : hi;
    }
    if (f.zeroPointBeforeRounding) t += zp;
    const r = f.roundHalfUp ? Math.floor(t + 0.5) : roundHalfEven(t);
    out[i] = f.zeroPointBeforeRounding ? r : r + zp;
  }
}

function quantizingBackend(name: string, f: QuantizeFlags): Backend {
  const fakeQuantizeValues = (x: FloatArray, scale: number, zp: number, spec: KernelSpec, out: FloatArray): void => {
    const codes = new Int32Array(x.length);
    quantizeRun(x, codes, 0, x.length, scale, zp, spec, f);
    const s = x instanceof Float32Array ? Math.fround(scale) : scale;
    for (let i = 0; i < x.length; i++) out[i] = (codes[i]! - zp) * s;
  };
  return {
    ...ref,
    name,
    quantizeTensor(x, scale, zp, spec, out) {
      quantizeRun(x, out, 0, x.length, scale, zp, spec, f);
    },
    quantizeAxis(x, scales, zps, l: AxisLayout, spec, out) {
      if (x.length === 0) return; // an empty tensor's layout may hold a huge dimension beside the zero
      let start = 0;
      for (let o = 0; o < l.outer; o++) {
        for (let c = 0; c < l.channels; c++, start += l.inner) quantizeRun(x, out, start, start + l.inner, scales[c]!, zps[c]!, spec, f);
      }
    },
    quantizeBlocked(x, scales, zps, l: BlockLayout, spec, out) {
      if (x.length === 0) return;
      const blocks = Math.ceil(l.dim / l.blockSize);
      for (let o = 0, start = 0; o < l.outer; o++) {
        for (let d = 0; d < l.dim; d++, start += l.inner) {
          const g = (o * blocks + Math.floor(d / l.blockSize)) * l.inner;
          for (let i = 0; i < l.inner; i++) quantizeRun(x, out, start + i, start + i + 1, scales[g + i]!, zps[g + i]!, spec, f);
        }
      }
    },
    fakeQuantizeTensor(x, scale, zp, spec, out) {
      fakeQuantizeValues(x, scale, zp, spec, out);
      return kernelErrorReport(x, out); // the kernel contract: every pair summed, NaN included (SPEC §6)
    },
    fakeQuantizeTensorValues: fakeQuantizeValues,
  };
}

/** Length an 8-wide SIMD kernel with an off-by-one tail processes: the last element of a partial vector is lost. */
const shortTail = (n: number) => (n % 8 === 0 ? n : n - 1);

function wrongTailBackend(): Backend {
  const cut = <T extends { subarray(a: number, b: number): T; length: number }>(a: T, n: number) => a.subarray(0, n);
  return {
    ...ref,
    name: 'mutant-wrong-tail',
    quantizeTensor: (x, s, z, spec, out) => ref.quantizeTensor(cut(x, shortTail(x.length)), s, z, spec, cut(out, shortTail(x.length))),
    dequantizeTensor: (q, s, z, out) => ref.dequantizeTensor(cut(q, shortTail(q.length)), s, z, cut(out, shortTail(q.length))),
    fakeQuantizeTensor: (x, s, z, spec, out) => ref.fakeQuantizeTensor(cut(x, shortTail(x.length)), s, z, spec, cut(out, shortTail(x.length))),
    fakeQuantizeTensorValues: (x, s, z, spec, out) => ref.fakeQuantizeTensorValues(cut(x, shortTail(x.length)), s, z, spec, cut(out, shortTail(x.length))),
    minMax: (x) => ref.minMax(cut(x, shortTail(x.length))),
    absMax: (x) => ref.absMax(cut(x, shortTail(x.length))),
    unpack: (p, bits, signed, out) => ref.unpack(p, bits, signed, cut(out, shortTail(out.length))),
  };
}

/** Re-creates every typed-array argument at byteOffset 0 of its buffer: the classic "data pointer without offset" bug. */
function droppedOffsetBackend(): Backend {
  const methods = ['quantizeTensor', 'quantizeAxis', 'quantizeBlocked', 'dequantizeTensor', 'dequantizeAxis', 'dequantizeBlocked', 'fakeQuantizeTensor', 'fakeQuantizeTensorValues', 'minMax', 'absMax', 'minMaxAxis', 'minMaxBlocked', 'pack', 'unpack'] as const;
  const strip = (a: unknown) =>
    ArrayBuffer.isView(a) && !(a instanceof DataView) ? new (a.constructor as new (b: ArrayBufferLike, o: number, n: number) => unknown)(a.buffer, 0, (a as IntArray).length) : a;
  const b: Record<string, unknown> = { ...ref, name: 'mutant-dropped-byte-offset' };
  for (const m of methods) b[m] = (...args: unknown[]) => (ref[m] as (...a: unknown[]) => unknown)(...args.map(strip));
  return b as unknown as Backend;
}

export interface Mutant {
  readonly name: string;
  readonly bug: string;
  create(): Backend;
}

export const MUTANTS: readonly Mutant[] = [
  { name: 'mutant-round-half-up', bug: 'rounds half up instead of half to even', create: () => quantizingBackend('mutant-round-half-up', { roundHalfUp: true }) },
  { name: 'mutant-reciprocal-onnx', bug: "multiplies by the reciprocal in the 'onnx' profile", create: () => quantizingBackend('mutant-reciprocal-onnx', { reciprocalOnnx: true }) },
  { name: 'mutant-zero-point-before-rounding', bug: 'adds the zero point before rounding', create: () => quantizingBackend('mutant-zero-point-before-rounding', { zeroPointBeforeRounding: true }) },
  { name: 'mutant-no-saturation', bug: 'does not clamp (codes wrap, NaN becomes 0)', create: () => quantizingBackend('mutant-no-saturation', { noSaturation: true }) },
  { name: 'mutant-wrong-tail', bug: 'drops the last element of a partial 8-element vector', create: wrongTailBackend },
  { name: 'mutant-dropped-byte-offset', bug: 'ignores the byteOffset of typed-array views', create: droppedOffsetBackend },
];

/** The same scalar re-implementation with no mutation: must pass everything. */
export const CONTROL: Mutant = { name: 'control', bug: 'none (faithful re-implementation)', create: () => quantizingBackend('control', {}) };
