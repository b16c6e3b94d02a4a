import {
  GGML_FORMAT_NAMES,
  GGML_FORMATS,
  narrowToHalf,
  numberToBfloat16,
  numberToFloat16,
  widenHalf,
  type HalfDType,
  qparamsFromRange,
  referenceBackend as ref,
  storageSpec,
  type AxisLayout,
  type Backend,
  type BackendCapabilities,
  type BlockLayout,
  type FloatArray,
  type IntArray,
  type KernelName,
  type KernelSpec,
  type Profile,
  type Scheme,
} from '@quantkit/quant-core';
import { diffArrays, diffErrorReport, sameNumber } from '../compare.js';
import { DISTRIBUTIONS, deriveSeed, Rng } from '../random.js';
import { Tally, type Check, type CheckResult } from '../types.js';
import { EMBEDDING_OPS, runEmbeddings } from './differential-embeddings.js';

/*
 * Differential tests: seeded random data (uniform, normal, heavy-tailed, with outliers, sometimes sprinkled with
 * NaN / ±Inf / ±0 / subnormals / ±FLT_MAX), random shapes, options and parameters within the backend's
 * capabilities, inputs and outputs at random element offsets; every output compared with the reference byte for byte.
 * The element budget (10 million by default) is shared among the operations. A failure names the seed (replay with
 * QUANT_CONFORMANCE_SEED=<seed>), the run, and the first differing element (index, input, expected, actual).
 */

export const DEFAULT_DIFFERENTIAL_ELEMENTS = 10_000_000;

/**
 * Every kernel of the table; the histograms and ggmlQuantizeHalf have families of their own (checks/histogram.ts,
 * checks/half-histogram.ts, checks/ggml-half.ts).
 */
type Op = Exclude<KernelName, 'histogram' | 'absHistogram' | 'histogramHalf' | 'absHistogramHalf' | 'ggmlQuantizeHalf'>;

/** Share of the element budget per operation (blocked reference kernels are the slowest, so they get less). */
const SHARES: Readonly<Record<Op, number>> = {
  quantizeTensor: 0.28,
  quantizeTensorHalf: 0.03,
  dequantizeTensorHalf: 0.02,
  minMaxHalf: 0.01,
  quantizeAxisHalf: 0.02,
  quantizeBlockedHalf: 0.01,
  dequantizeAxisHalf: 0.01,
  dequantizeBlockedHalf: 0.01,
  minMaxAxisHalf: 0.01,
  minMaxBlockedHalf: 0.01,
  // The reference K-quants search their scales element by element (~2 M elements/s): a small share still covers
  // every format many times.
  ggmlQuantize: 0.003,
  ggmlDequantize: 0.01,
  quantizeAxis: 0.08,
  quantizeBlocked: 0.03,
  quantizeBlockedMinMax: 0.03,
  dequantizeTensor: 0.12,
  dequantizeAxis: 0.06,
  dequantizeBlocked: 0.03,
  fakeQuantizeTensor: 0.1,
  fakeQuantizeTensorValues: 0.05,
  minMax: 0.06,
  absMax: 0.05,
  minMaxAxis: 0.03,
  minMaxBlocked: 0.02,
  pack: 0.025,
  unpack: 0.025,
  // Embeddings: a run is whole rows (the int8 / uint8 sums at dim 65536 included), each op ~100K values by default.
  quantizeEmbeddingRows: 0.01,
  packBinaryRows: 0.01,
  hammingScan: 0.01,
  dotScanInt8: 0.01,
  dotScanUint8: 0.01,
  l2ScanInt8: 0.01,
  l2ScanUint8: 0.01,
  dotScanAsymmetric: 0.01,
  l2ScanAsymmetric: 0.01,
  dotScanFloat: 0.01,
  l2ScanFloat: 0.01,
  topKKernel: 0.01,
};


/** Runs stop after this many failures per operation (the first ones say it all). */
const MAX_FAILURES = 3;

export interface DifferentialOptions {
  /** Base seed; default: QUANT_CONFORMANCE_SEED if set, else a random one (printed with every failure). */
  readonly seed?: number;
  /** Total elements across all operations; default 10 million. */
  readonly elements?: number;
}

export function differentialSeed(): number {
  const env = typeof process !== 'undefined' ? process.env.QUANT_CONFORMANCE_SEED : undefined;
  if (env !== undefined && env !== '') {
    const v = Number(env);
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`QUANT_CONFORMANCE_SEED must be an integer in [0, 2^32), got ${env}`);
    return v;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

const FLT_MAX = 3.4028234663852886e38;
const SPECIALS = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, 5e-324, FLT_MAX, -FLT_MAX, 1e300, 0.5, -0.5, 1.5, -2.5];

export interface Run {
  readonly desc: string;
  readonly elements: number;
  /** Failure message, if the backend differs from the reference. */
  readonly failure?: string;
}

/** Random choices, constrained by what the backend can do. */
export class Draw {
  constructor(
    readonly rng: Rng,
    readonly caps: BackendCapabilities,
  ) {}

  length(remaining: number): number {
    const r = this.rng.next();
    const n = r < 0.7 ? this.rng.int(1, 4096) : r < 0.95 ? this.rng.int(4097, 65536) : this.rng.int(65537, 262144);
    return Math.max(1, Math.min(n, remaining));
  }

  dtype(): 'float32' | 'float64' {
    return this.caps.float64 && this.rng.next() < 0.25 ? 'float64' : 'float32';
  }

  profile(): Profile {
    return this.rng.pick(this.caps.profiles);
  }

  offset(): number {
    return this.rng.int(0, 7);
  }

  /** A float array of n elements at a random element offset into a larger buffer. */
  /** Half-precision bits at a random offset: random patterns of any kind, or the rounding of float data. */
  halves(dtype: HalfDType, n: number): Uint16Array {
    const off = this.offset();
    const a = new Uint16Array(n + off).subarray(off);
    if (this.rng.next() < 0.5) {
      for (let i = 0; i < n; i++) a[i] = this.rng.int(0, 0xffff);
    } else {
      const f = this.floats('float32', n);
      for (let i = 0; i < n; i++) a[i] = dtype === 'float16' ? numberToFloat16(f[i]!) : numberToBfloat16(f[i]!);
    }
    return a;
  }

  floats(dtype: 'float32' | 'float64', n: number): FloatArray {
    const off = this.offset();
    const a = (dtype === 'float32' ? new Float32Array(n + off) : new Float64Array(n + off)).subarray(off);
    const dist = this.rng.pick(DISTRIBUTIONS);
    const spread = 10 ** (this.rng.next() * 6 - 3);
    this.rng.fill(a, dist, spread);
    if (this.rng.next() < 0.15) {
      const count = Math.max(1, Math.floor(n / 200));
      for (let k = 0; k < count; k++) a[this.rng.int(0, n - 1)] = this.rng.pick(SPECIALS) * (this.rng.next() < 0.5 ? 1 : spread);
    }
    return a;
  }

  storage(): { scheme: Scheme; bits: number; spec: KernelSpec } {
    const bits = this.rng.pick(this.caps.bits);
    const scheme: Scheme = this.rng.next() < 0.5 ? 'affine' : 'symmetric';
    const s = storageSpec(scheme, bits, this.rng.next() < 0.2);
    return { scheme, bits, spec: { qmin: s.qmin, qmax: s.qmax, profile: this.profile() } };
  }

  codes(spec: KernelSpec, bits: number, n: number): IntArray {
    const off = this.offset();
    const signed = spec.qmin < 0;
    const Ctor = bits <= 8 ? (signed ? Int8Array : Uint8Array) : signed ? Int16Array : Uint16Array;
    return new Ctor(n + off).subarray(off);
  }

  randomCodes(spec: KernelSpec, bits: number, n: number): IntArray {
    const q = this.codes(spec, bits, n);
    for (let i = 0; i < n; i++) q[i] = this.rng.int(spec.qmin, spec.qmax);
    return q;
  }

  /** scale and zero point: from the data's range (as the API does) or random; both valid for the storage. */
  params(x: FloatArray | undefined, scheme: Scheme, bits: number, spec: KernelSpec, dtype: 'float32' | 'float64', min?: number, max?: number): { scale: number; zeroPoint: number } {
    if (x !== undefined && this.rng.next() < 0.6) {
      let lo = min;
      let hi = max;
      if (lo === undefined || hi === undefined) {
        lo = Infinity;
        hi = -Infinity;
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          if (Number.isFinite(v)) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
        }
      }
      if (Number.isFinite(lo) && Number.isFinite(hi) && Math.fround(hi - lo) < FLT_MAX / 8) {
        const storage = storageSpec(scheme, bits, spec.qmin !== storageSpec(scheme, bits).qmin);
        return qparamsFromRange(lo, hi, scheme, storage, dtype);
      }
    }
    const raw = 10 ** (this.rng.next() * 8 - 5);
    const scale = dtype === 'float32' ? Math.fround(raw) : raw;
    return { scale, zeroPoint: this.rng.int(spec.qmin, spec.qmax) };
  }

  shape(target: number): number[] {
    const rank = this.rng.int(1, 4);
    const dims: number[] = [];
    let rest = target;
    for (let i = 0; i < rank - 1; i++) {
      const typical = Math.max(1, Math.round(rest ** (1 / (rank - i))));
      const d = this.rng.next() < 0.1 ? 1 : this.rng.int(1, 2 * typical);
      dims.push(d);
      rest = Math.max(1, Math.floor(rest / d));
    }
    dims.push(rest);
    return this.rng.next() < 0.5 ? dims : dims.reverse();
  }
}

function axisLayoutOf(shape: readonly number[], axis: number): AxisLayout {
  const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);
  return { outer: prod(shape.slice(0, axis)), channels: shape[axis]!, inner: prod(shape.slice(axis + 1)) };
}

function blockLayoutOf(shape: readonly number[], axis: number, blockSize: number): BlockLayout {
  const a = axisLayoutOf(shape, axis);
  return { outer: a.outer, dim: a.channels, inner: a.inner, blockSize };
}

function groupsOf(l: BlockLayout): number {
  return l.outer * Math.ceil(l.dim / l.blockSize) * l.inner;
}

function floatsLike(dtype: 'float32' | 'float64', n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

function groupParams(d: Draw, groups: number, scheme: Scheme, bits: number, spec: KernelSpec, dtype: 'float32' | 'float64', ranges?: { min: Float64Array; max: Float64Array }) {
  const scales = floatsLike(dtype, groups);
  const zps = new Int32Array(groups);
  for (let g = 0; g < groups; g++) {
    const p = d.params(ranges ? floatsLike(dtype, 0) : undefined, scheme, bits, spec, dtype, ranges?.min[g], ranges?.max[g]);
    scales[g] = p.scale;
    zps[g] = p.zeroPoint;
  }
  return { scales, zps };
}

type HalfLayoutOp = 'quantizeAxisHalf' | 'quantizeBlockedHalf' | 'minMaxAxisHalf' | 'minMaxBlockedHalf' | 'dequantizeAxisHalf' | 'dequantizeBlockedHalf';

/**
 * Per-axis and blocked kernels on half data. Expected: the float32 reference kernels on the exact widening (quantize,
 * min/max), or the exact float64 products of the reference dequantize rounded once to the half type (SPEC §12): a
 * composition, so the reference's own half kernels are proven when the reference is the backend under test.
 */
function runHalfLayout(op: HalfLayoutOp, d: Draw, backend: Backend, n0: number): Run {
  const dtype: HalfDType = d.rng.next() < 0.5 ? 'float16' : 'bfloat16';
  const shape = d.shape(n0);
  const n = shape.reduce((a, b) => a * b, 1);
  const axis = d.rng.int(0, shape.length - 1);
  const blocked = op.includes('Blocked');
  const block = blockLayoutOf(shape, axis, d.rng.int(1, shape[axis]! + 2));
  const perAxis = axisLayoutOf(shape, axis);
  const groups = blocked ? groupsOf(block) : perAxis.channels;
  const desc = `${op} ${dtype} shape=[${shape.join(',')}] axis=${axis}${blocked ? ` blockSize=${block.blockSize}` : ''}`;
  const { scheme, bits, spec } = d.storage();
  if (op === 'dequantizeAxisHalf' || op === 'dequantizeBlockedHalf') {
    const q = d.randomCodes(spec, bits, n);
    const { scales, zps } = groupParams(d, groups, scheme, bits, spec, d.rng.next() < 0.5 ? 'float32' : 'float64');
    const exact = new Float64Array(n);
    const want = new Uint16Array(n);
    const off = d.offset();
    const out = new Uint16Array(n + off).subarray(off);
    if (blocked) {
      ref.dequantizeBlocked(q, scales, zps, block, exact);
      backend.dequantizeBlockedHalf(q, scales, zps, block, dtype, out);
    } else {
      ref.dequantizeAxis(q, scales, zps, perAxis, exact);
      backend.dequantizeAxisHalf(q, scales, zps, perAxis, dtype, out);
    }
    narrowToHalf(exact, dtype, want);
    return { desc, elements: n, failure: diffArrays(desc, want, out, q) };
  }
  const x = d.halves(dtype, n);
  const wide = new Float32Array(n);
  widenHalf(x, dtype, 0, n, wide);
  const min = new Float64Array(groups);
  const max = new Float64Array(groups);
  if (blocked) ref.minMaxBlocked(wide, block, min, max);
  else ref.minMaxAxis(wide, perAxis, min, max);
  if (op === 'minMaxAxisHalf' || op === 'minMaxBlockedHalf') {
    const bMin = new Float64Array(groups);
    const bMax = new Float64Array(groups);
    if (blocked) backend.minMaxBlockedHalf(x, dtype, block, bMin, bMax);
    else backend.minMaxAxisHalf(x, dtype, perAxis, bMin, bMax);
    for (let g = 0; g < groups; g++) {
      if (!sameNumber(min[g]!, bMin[g]!, false) || !sameNumber(max[g]!, bMax[g]!, false)) {
        return { desc, elements: n, failure: `${desc}: group ${g} expected {min: ${min[g]}, max: ${max[g]}}, actual {min: ${bMin[g]}, max: ${bMax[g]}}` };
      }
    }
    return { desc, elements: n };
  }
  const { scales, zps } = groupParams(d, groups, scheme, bits, spec, 'float32', { min, max });
  const out = d.codes(spec, bits, n);
  const want = d.codes(spec, bits, n);
  const full = `${desc} ${spec.profile} [${spec.qmin}, ${spec.qmax}]`;
  if (blocked) {
    backend.quantizeBlockedHalf(x, dtype, scales, zps, block, spec, out);
    ref.quantizeBlocked(wide, scales, zps, block, spec, want);
  } else {
    backend.quantizeAxisHalf(x, dtype, scales, zps, perAxis, spec, out);
    ref.quantizeAxis(wide, scales, zps, perAxis, spec, want);
  }
  return { desc: full, elements: n, failure: diffArrays(full, want, out, x) };
}

/**
 * GGML blocks: random formats and whole rows of blocks; quantize on float data that is sometimes non-finite (both must
 * return the same first non-finite index, and write the same blocks otherwise), dequantize on random block bytes
 * whose float16 fields are kept finite (upstream's dequantize of Inf / NaN scales is not a contract).
 */
function runGgml(op: 'ggmlQuantize' | 'ggmlDequantize', d: Draw, backend: Backend, n0: number): Run {
  const format = d.rng.pick(GGML_FORMAT_NAMES);
  const { blockSize, bytesPerBlock } = GGML_FORMATS[format];
  const blocks = Math.max(1, Math.min(Math.ceil(n0 / blockSize), format.endsWith('_k') ? 64 : 4096));
  const n = blocks * blockSize;
  if (op === 'ggmlQuantize') {
    const x = d.floats('float32', n) as Float32Array;
    const off = d.offset();
    const out = new Uint8Array(blocks * bytesPerBlock + off).subarray(off);
    const want = new Uint8Array(blocks * bytesPerBlock);
    const bad = backend.ggmlQuantize(x, format, out);
    const wantBad = ref.ggmlQuantize(x, format, want);
    const desc = `${op} ${format} n=${n}`;
    if (bad !== wantBad) return { desc, elements: n, failure: `${desc}: returned ${bad}, expected ${wantBad} (the first non-finite element)` };
    return { desc, elements: n, failure: wantBad >= 0 ? undefined : diffArrays(desc, want, out, x) };
  }
  const bytes = new Uint8Array(blocks * bytesPerBlock);
  for (let i = 0; i < bytes.length; i++) bytes[i] = d.rng.int(0, 255);
  // Every 16-bit field that holds a float16 in some format is made finite: clear one exponent bit of every odd byte.
  for (let i = 1; i < bytes.length; i += 2) bytes[i]! &= 0xbf;
  const off = d.offset();
  const out = new Float32Array(n + off).subarray(off);
  const want = new Float32Array(n);
  backend.ggmlDequantize(bytes, format, out);
  ref.ggmlDequantize(bytes, format, want);
  const desc = `${op} ${format} n=${n}`;
  return { desc, elements: n, failure: diffArrays(desc, want, out, bytes) };
}

/** One random run of `op`: builds inputs, runs backend and reference, compares. */
function runOnce(op: Op, d: Draw, backend: Backend, remaining: number): Run {
  const n0 = d.length(remaining);
  switch (op) {
    case 'quantizeTensor':
    case 'fakeQuantizeTensor':
    case 'fakeQuantizeTensorValues': {
      const dtype = d.dtype();
      const x = d.floats(dtype, n0);
      const { scheme, bits, spec } = d.storage();
      const { scale, zeroPoint } = d.params(x, scheme, bits, spec, dtype);
      const desc = `${op} ${dtype} n=${n0} ${spec.profile} [${spec.qmin}, ${spec.qmax}] scale=${scale} zp=${zeroPoint}`;
      if (op === 'quantizeTensor') {
        const out = d.codes(spec, bits, n0);
        const want = d.codes(spec, bits, n0);
        backend.quantizeTensor(x, scale, zeroPoint, spec, out);
        ref.quantizeTensor(x, scale, zeroPoint, spec, want);
        return { desc, elements: n0, failure: diffArrays(desc, want, out, x) };
      }
      const out = floatsLike(dtype, n0);
      const want = floatsLike(dtype, n0);
      if (op === 'fakeQuantizeTensorValues') {
        backend.fakeQuantizeTensorValues(x, scale, zeroPoint, spec, out);
        ref.fakeQuantizeTensor(x, scale, zeroPoint, spec, want);
        return { desc, elements: n0, failure: diffArrays(desc, want, out, x) };
      }
      const r = backend.fakeQuantizeTensor(x, scale, zeroPoint, spec, out);
      const e = ref.fakeQuantizeTensor(x, scale, zeroPoint, spec, want);
      const m = diffArrays(desc, want, out, x) ?? diffErrorReport(e, r);
      return { desc, elements: n0, failure: m === undefined ? undefined : `${desc}: ${m}` };
    }
    case 'quantizeAxis':
    case 'quantizeBlocked':
    case 'minMaxAxis':
    case 'minMaxBlocked': {
      const dtype = d.dtype();
      const shape = d.shape(n0);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = d.floats(dtype, n);
      const axis = d.rng.int(0, shape.length - 1);
      const blocked = op === 'quantizeBlocked' || op === 'minMaxBlocked';
      const layout = blocked ? blockLayoutOf(shape, axis, d.rng.int(1, shape[axis]! + 2)) : axisLayoutOf(shape, axis);
      const groups = blocked ? groupsOf(layout as BlockLayout) : (layout as AxisLayout).channels;
      const min = new Float64Array(groups);
      const max = new Float64Array(groups);
      const desc = `${op} ${dtype} shape=[${shape.join(',')}] axis=${axis}${blocked ? ` blockSize=${(layout as BlockLayout).blockSize}` : ''}`;
      if (op === 'minMaxAxis' || op === 'minMaxBlocked') {
        const bMin = new Float64Array(groups);
        const bMax = new Float64Array(groups);
        if (blocked) {
          backend.minMaxBlocked(x, layout as BlockLayout, bMin, bMax);
          ref.minMaxBlocked(x, layout as BlockLayout, min, max);
        } else {
          backend.minMaxAxis(x, layout as AxisLayout, bMin, bMax);
          ref.minMaxAxis(x, layout as AxisLayout, min, max);
        }
        for (let g = 0; g < groups; g++) {
          if (!sameNumber(min[g]!, bMin[g]!, false) || !sameNumber(max[g]!, bMax[g]!, false)) {
            return { desc, elements: n, failure: `${desc}: group ${g} expected {min: ${min[g]}, max: ${max[g]}}, actual {min: ${bMin[g]}, max: ${bMax[g]}}` };
          }
        }
        return { desc, elements: n };
      }
      if (blocked) ref.minMaxBlocked(x, layout as BlockLayout, min, max);
      else ref.minMaxAxis(x, layout as AxisLayout, min, max);
      const { scheme, bits, spec } = d.storage();
      const { scales, zps } = groupParams(d, groups, scheme, bits, spec, dtype, { min, max });
      const out = d.codes(spec, bits, n);
      const want = d.codes(spec, bits, n);
      const full = `${desc} ${spec.profile} [${spec.qmin}, ${spec.qmax}]`;
      if (blocked) {
        backend.quantizeBlocked(x, scales, zps, layout as BlockLayout, spec, out);
        ref.quantizeBlocked(x, scales, zps, layout as BlockLayout, spec, want);
      } else {
        backend.quantizeAxis(x, scales, zps, layout as AxisLayout, spec, out);
        ref.quantizeAxis(x, scales, zps, layout as AxisLayout, spec, want);
      }
      return { desc: full, elements: n, failure: diffArrays(full, want, out, x) };
    }
    case 'quantizeTensorHalf':
    case 'minMaxHalf': {
      // Expected: the float32 kernels on the exact widening (SPEC §12).
      const dtype: HalfDType = d.rng.next() < 0.5 ? 'float16' : 'bfloat16';
      const x = d.halves(dtype, n0);
      const wide = new Float32Array(n0);
      widenHalf(x, dtype, 0, n0, wide);
      if (op === 'minMaxHalf') {
        const e = ref.minMax(wide);
        const a = backend.minMaxHalf(x, dtype);
        const ok = sameNumber(e.min, a.min, false) && sameNumber(e.max, a.max, false);
        const desc = `${op} ${dtype} n=${n0}`;
        return { desc, elements: n0, failure: ok ? undefined : `${desc}: expected {min: ${e.min}, max: ${e.max}}, actual {min: ${a.min}, max: ${a.max}}` };
      }
      const { scheme, bits, spec } = d.storage();
      const { scale, zeroPoint } = d.params(wide, scheme, bits, spec, 'float32');
      const desc = `${op} ${dtype} n=${n0} ${spec.profile} [${spec.qmin}, ${spec.qmax}] scale=${scale} zp=${zeroPoint}`;
      const out = d.codes(spec, bits, n0);
      const want = d.codes(spec, bits, n0);
      backend.quantizeTensorHalf(x, dtype, scale, zeroPoint, spec, out);
      ref.quantizeTensor(wide, scale, zeroPoint, spec, want);
      return { desc, elements: n0, failure: diffArrays(desc, want, out, x) };
    }
    case 'quantizeAxisHalf':
    case 'quantizeBlockedHalf':
    case 'minMaxAxisHalf':
    case 'minMaxBlockedHalf':
    case 'dequantizeAxisHalf':
    case 'dequantizeBlockedHalf':
      return runHalfLayout(op, d, backend, n0);
    case 'ggmlQuantize':
    case 'ggmlDequantize':
      return runGgml(op, d, backend, n0);
    case 'dequantizeTensorHalf': {
      // Expected: the exact float64 products, each rounded once to the half type.
      const dtype: HalfDType = d.rng.next() < 0.5 ? 'float16' : 'bfloat16';
      const { scheme, bits, spec } = d.storage();
      const q = d.randomCodes(spec, bits, n0);
      const { scale, zeroPoint } = d.params(undefined, scheme, bits, spec, d.rng.next() < 0.5 ? 'float32' : 'float64');
      const exact = new Float64Array(n0);
      ref.dequantizeTensor(q, scale, zeroPoint, exact);
      const want = new Uint16Array(n0);
      narrowToHalf(exact, dtype, want);
      const off = d.offset();
      const out = new Uint16Array(n0 + off).subarray(off);
      backend.dequantizeTensorHalf(q, scale, zeroPoint, dtype, out);
      const desc = `${op} ${q.constructor.name} -> ${dtype} n=${n0} scale=${scale} zp=${zeroPoint}`;
      return { desc, elements: n0, failure: diffArrays(desc, want, out, q) };
    }
    case 'quantizeBlockedMinMax': {
      // Expected: the composition the kernel fuses (reference min/max per group, qparamsFromRange, quantizeBlocked),
      // so the reference's own fused kernel is proven too when it is the backend under test.
      const dtype = d.dtype();
      const shape = d.shape(n0);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = d.floats(dtype, n);
      const axis = d.rng.int(0, shape.length - 1);
      const layout = blockLayoutOf(shape, axis, d.rng.int(1, shape[axis]! + 2));
      const groups = groupsOf(layout);
      const { scheme, bits, spec } = d.storage();
      const desc = `${op} ${dtype} shape=[${shape.join(',')}] axis=${axis} blockSize=${layout.blockSize} ${scheme} ${spec.profile} [${spec.qmin}, ${spec.qmax}]`;
      const min = new Float64Array(groups);
      const max = new Float64Array(groups);
      ref.minMaxBlocked(x, layout, min, max);
      const storage = { bits, signed: scheme === 'symmetric', qmin: spec.qmin, qmax: spec.qmax, packed: false };
      const wantScales = floatsLike(dtype, groups);
      const wantZps = new Int32Array(groups);
      let wantBad = -1;
      for (let g = 0; g < groups && wantBad < 0; g++) {
        try {
          const p = qparamsFromRange(min[g]!, max[g]!, scheme, storage, dtype);
          wantScales[g] = p.scale;
          wantZps[g] = p.zeroPoint;
        } catch {
          wantBad = g;
        }
      }
      const scales = floatsLike(dtype, groups);
      const zps = new Int32Array(groups);
      const out = d.codes(spec, bits, n);
      const bad = backend.quantizeBlockedMinMax(x, layout, scheme, spec, scales, zps, out);
      if (bad !== wantBad) return { desc, elements: n, failure: `${desc}: returned ${bad}, expected ${wantBad} (the first group without parameters, or -1)` };
      if (wantBad >= 0) return { desc, elements: n };
      const want = d.codes(spec, bits, n);
      ref.quantizeBlocked(x, wantScales, wantZps, layout, spec, want);
      const failure = diffArrays(`${desc} scales`, wantScales, scales) ?? diffArrays(`${desc} zero points`, wantZps, zps) ?? diffArrays(desc, want, out, x);
      return { desc, elements: n, failure };
    }
    case 'dequantizeTensor':
    case 'dequantizeAxis':
    case 'dequantizeBlocked': {
      const { scheme, bits, spec } = d.storage();
      const outType = d.dtype();
      const scaleType = d.rng.next() < 0.5 ? 'float32' : outType;
      if (op === 'dequantizeTensor') {
        const q = d.randomCodes(spec, bits, n0);
        const { scale, zeroPoint } = d.params(undefined, scheme, bits, spec, scaleType);
        const out = floatsLike(outType, n0);
        const want = floatsLike(outType, n0);
        backend.dequantizeTensor(q, scale, zeroPoint, out);
        ref.dequantizeTensor(q, scale, zeroPoint, want);
        const desc = `${op} ${q.constructor.name} -> ${outType} n=${n0} scale=${scale} zp=${zeroPoint}`;
        return { desc, elements: n0, failure: diffArrays(desc, want, out, q) };
      }
      const shape = d.shape(n0);
      const n = shape.reduce((a, b) => a * b, 1);
      const q = d.randomCodes(spec, bits, n);
      const axis = d.rng.int(0, shape.length - 1);
      const blocked = op === 'dequantizeBlocked';
      const layout = blocked ? blockLayoutOf(shape, axis, d.rng.int(1, shape[axis]! + 2)) : axisLayoutOf(shape, axis);
      const groups = blocked ? groupsOf(layout as BlockLayout) : (layout as AxisLayout).channels;
      const { scales, zps } = groupParams(d, groups, scheme, bits, spec, scaleType);
      const out = floatsLike(outType, n);
      const want = floatsLike(outType, n);
      if (blocked) {
        backend.dequantizeBlocked(q, scales, zps, layout as BlockLayout, out);
        ref.dequantizeBlocked(q, scales, zps, layout as BlockLayout, want);
      } else {
        backend.dequantizeAxis(q, scales, zps, layout as AxisLayout, out);
        ref.dequantizeAxis(q, scales, zps, layout as AxisLayout, want);
      }
      const desc = `${op} ${q.constructor.name} -> ${outType} shape=[${shape.join(',')}] axis=${axis}`;
      return { desc, elements: n, failure: diffArrays(desc, want, out, q) };
    }
    case 'minMax':
    case 'absMax': {
      const dtype = d.dtype();
      const x = d.floats(dtype, n0);
      const desc = `${op} ${dtype} n=${n0}`;
      if (op === 'minMax') {
        const e = ref.minMax(x);
        const a = backend.minMax(x);
        const ok = sameNumber(e.min, a.min, false) && sameNumber(e.max, a.max, false);
        return { desc, elements: n0, failure: ok ? undefined : `${desc}: expected {min: ${e.min}, max: ${e.max}}, actual {min: ${a.min}, max: ${a.max}}` };
      }
      const e = ref.absMax(x);
      const a = backend.absMax(x);
      return { desc, elements: n0, failure: sameNumber(e, a) ? undefined : `${desc}: expected ${e}, actual ${a}` };
    }
    case 'pack':
    case 'unpack': {
      const bits = d.rng.pick(d.caps.packedBits);
      const signed = d.rng.next() < 0.5;
      const bytes = Math.ceil((n0 * bits) / 8);
      const desc = `${op} ${signed ? 'int' : 'uint'}${bits} n=${n0}`;
      if (op === 'pack') {
        const spec = { qmin: signed ? -(2 ** (bits - 1)) : 0, qmax: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1, profile: 'onnx' as const };
        const q = d.randomCodes(spec, 8, n0) as Int8Array | Uint8Array;
        const out = new Uint8Array(bytes);
        const want = new Uint8Array(bytes);
        backend.pack(q, bits, out);
        ref.pack(q, bits, want);
        return { desc, elements: n0, failure: diffArrays(desc, want, out) };
      }
      const off = d.offset();
      const packed = new Uint8Array(bytes + off).subarray(off);
      for (let i = 0; i < bytes; i++) packed[i] = d.rng.int(0, 255);
      const out = signed ? new Int8Array(n0) : new Uint8Array(n0);
      const want = signed ? new Int8Array(n0) : new Uint8Array(n0);
      backend.unpack(packed, bits, signed, out);
      ref.unpack(packed, bits, signed, want);
      return { desc, elements: n0, failure: diffArrays(desc, want, out) };
    }
    default:
      return runEmbeddings(op, d, backend, n0);
  }
}

function unsupported(op: Op, c: BackendCapabilities): string | undefined {
  if ((op === 'quantizeAxis' || op === 'dequantizeAxis' || op === 'minMaxAxis') && !c.perAxis) return 'no per-axis kernels (capabilities.perAxis)';
  if ((op === 'quantizeBlocked' || op === 'quantizeBlockedMinMax' || op === 'dequantizeBlocked' || op === 'minMaxBlocked') && !c.blocked) return 'no blocked kernels (capabilities.blocked)';
  if ((op === 'fakeQuantizeTensor' || op === 'fakeQuantizeTensorValues') && !c.fakeQuantize) return 'no fused fake-quantize (capabilities.fakeQuantize)';
  if ((op === 'pack' || op === 'unpack') && c.packedBits.length === 0) return 'no packing (capabilities.packedBits)';
  if (EMBEDDING_OPS.has(op) && (c.embeddings === undefined || c.embeddings.length === 0)) return 'no embedding kernels (capabilities.embeddings)';
  return undefined;
}

export interface DifferentialResult extends CheckResult {
  readonly elements: number;
  readonly seed: number;
}

/** Runs the differential test of one operation with `budget` elements. */
export function runDifferential(op: Op, backend: Backend, seed: number, budget: number): DifferentialResult {
  const tally = new Tally();
  let elements = 0;
  const missing = unsupported(op, backend.capabilities);
  if (missing !== undefined) {
    tally.skip(missing);
    return { ...tally.result(), elements, seed };
  }
  const d = new Draw(new Rng(deriveSeed(seed, op)), backend.capabilities);
  let failures = 0;
  for (let run = 0; elements < budget && failures < MAX_FAILURES; run++) {
    const label = `seed=${hex(seed)} (QUANT_CONFORMANCE_SEED=${seed}) run #${run}`;
    try {
      const r = runOnce(op, d, backend, budget - elements);
      elements += r.elements;
      if (r.failure === undefined) tally.pass();
      else {
        failures++;
        tally.fail(`${label}: ${r.failure}`);
      }
    } catch (e) {
      failures++;
      tally.fail(`${label}: ${op} threw ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ...tally.result(), elements, seed };
}

export const DIFFERENTIAL_OPS = Object.keys(SHARES) as Op[];

export function differentialChecks(options: DifferentialOptions = {}): Check[] {
  const total = options.elements ?? DEFAULT_DIFFERENTIAL_ELEMENTS;
  let seed = options.seed;
  return DIFFERENTIAL_OPS.map((op) => ({
    family: 'differential',
    name: op,
    run(backend: Backend) {
      seed ??= differentialSeed();
      return runDifferential(op, backend, seed, Math.ceil(total * SHARES[op]));
    },
  }));
}
