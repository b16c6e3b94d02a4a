import { referenceBackend, type AxisLayout, type Backend, type BlockLayout, type IntArray, type KernelSpec } from '@quantkit/quant-core';
import { diffArrays, show } from '../compare.js';
import { Rng } from '../random.js';
import { Tally, type Check, type CheckResult } from '../types.js';
import { runHalfOnnxRuntimeOracle } from './half-oracle.js';
import { dequantizeLinearModel, ONNX_INT_TYPES, quantizeLinearModel, type OnnxIntType, type QdqModelSpec } from './models.js';

/*
 * ONNX Runtime as an oracle for the 'onnx' profile: QuantizeLinear and DequantizeLinear models are built in code,
 * run by onnxruntime (the caller passes the module, e.g. `await import('onnxruntime-node')`), and their outputs
 * compared with the backend byte for byte on random float32 data sprinkled with NaN, ±Inf, ±0, huge values and exact
 * ties; per tensor (scale [] and [1]), per axis (attribute absent = axis 1, explicit, negative, last) and blocked
 * (partial last blocks, on the first, a middle and the last axis), int8, uint8, int16, uint16, int4, uint4 (opset 21)
 * and int2, uint2 (opset 25).
 *
 * Where onnxruntime is known to be wrong (onnx.md §2, and observed with onnxruntime-node 1.30.0 on x86-64 AVX2):
 *
 * 1. Out-of-int32 quotients. Several onnxruntime paths convert x / scale to int32 BEFORE clamping: NaN and
 *    |x / scale| >= 2^31 become INT32_MIN, the zero point is then added with int32 wrap-around, and the result is
 *    clamped: qmin when zp >= 0, qmax when zp < 0, whatever the sign of x (+Inf gives qmin; NaN or -Inf with a
 *    negative zero point give qmax). Seen on: blocked quantization on a non-last axis (every type), 4- and 2-bit
 *    types per axis and blocked, 2-bit types per tensor, and the odd last element of a 4-bit per-tensor tensor.
 *    At such elements the oracle accepts either onnxruntime's wrapped value or the correct one, requires the
 *    backend to give the contract value (NaN -> qmin, +big -> qmax, -big -> qmin), and counts the divergences.
 * 2. int2 / uint2 per axis on the LAST axis (inner size 1): onnxruntime applies the wrong channel's scale to
 *    ordinary values (e.g. shape [2, 3], axis 1, scales [1, 2, 3]: x = -2 in channel 0 gives -1, not -2). There the
 *    backend is compared with the reference kernels instead, and onnxruntime's differing elements are counted.
 */

/** The slice of the onnxruntime JS API used here (onnxruntime-node and onnxruntime-web share it). */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: ArrayBufferView, dims: readonly number[]) => unknown;
}

interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { readonly data: unknown }>>;
  release?(): Promise<void>;
}

type Granularity = 'tensor' | 'tensor-1' | 'axis-default' | 'axis-0' | 'axis-negative' | 'axis-last' | 'blocked-0' | 'blocked-1' | 'blocked-last';

interface Layout {
  readonly shape: readonly number[];
  readonly scaleShape: readonly number[];
  /** Normalised axis (undefined per tensor). */
  readonly axis?: number;
  /** The attribute written into the model (undefined: absent). */
  readonly axisAttribute?: number;
  readonly blockSize?: number;
}

const GRANULARITIES: Readonly<Record<Granularity, Layout>> = {
  tensor: { shape: [3000], scaleShape: [] },
  'tensor-1': { shape: [7, 301], scaleShape: [1] },
  'axis-default': { shape: [3, 5, 40], scaleShape: [5], axis: 1 },
  'axis-0': { shape: [6, 33, 7], scaleShape: [6], axis: 0, axisAttribute: 0 },
  'axis-negative': { shape: [4, 9, 11], scaleShape: [9], axis: 1, axisAttribute: -2 },
  'axis-last': { shape: [6, 35], scaleShape: [35], axis: 1, axisAttribute: 1 },
  'blocked-0': { shape: [7, 6, 5], scaleShape: [3, 6, 5], axis: 0, axisAttribute: 0, blockSize: 3 },
  'blocked-1': { shape: [3, 10, 17], scaleShape: [3, 3, 17], axis: 1, axisAttribute: 1, blockSize: 4 },
  'blocked-last': { shape: [2, 3, 33], scaleShape: [2, 3, 7], axis: 2, axisAttribute: 2, blockSize: 5 },
};

export const ORACLE_TYPES: readonly OnnxIntType[] = ['int8', 'uint8', 'int16', 'uint16', 'int4', 'uint4', 'int2', 'uint2'];

const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);

function kernelLayout(l: Layout): AxisLayout | BlockLayout | undefined {
  if (l.axis === undefined) return undefined;
  const outer = prod(l.shape.slice(0, l.axis));
  const inner = prod(l.shape.slice(l.axis + 1));
  const dim = l.shape[l.axis]!;
  return l.blockSize === undefined ? { outer, channels: dim, inner } : { outer, dim, inner, blockSize: l.blockSize };
}

/** The scale index of every element (to find the known-divergence elements). */
function groupOfElement(l: Layout): Int32Array {
  const n = prod(l.shape);
  const g = new Int32Array(n);
  const k = kernelLayout(l);
  if (k === undefined) return g;
  for (let i = 0; i < n; i++) {
    const inner = i % k.inner;
    const d = Math.floor(i / k.inner) % ('channels' in k ? k.channels : k.dim);
    const o = Math.floor(i / (k.inner * ('channels' in k ? k.channels : k.dim)));
    g[i] = 'channels' in k ? d : (o * Math.ceil(k.dim / k.blockSize) + Math.floor(d / k.blockSize)) * k.inner + inner;
  }
  return g;
}

function ioArray(type: OnnxIntType, n: number): IntArray {
  const io = ONNX_INT_TYPES[type].io;
  return io === 'int8' ? new Int8Array(n) : io === 'uint8' ? new Uint8Array(n) : io === 'int16' ? new Int16Array(n) : new Uint16Array(n);
}

/** onnxruntime's int2/uint2 per-axis kernel on the last axis uses the wrong scales (bug 2 in the header). */
export function hasKnownOrtLastAxisBug(type: OnnxIntType, g: Granularity): boolean {
  return ONNX_INT_TYPES[type].bits === 2 && g === 'axis-last';
}

/** Whether float32 x / scale is NaN or out of int32 range, where onnxruntime's int32 conversion breaks (bug 1). */
function outOfInt32(x: number, scale: number): boolean {
  return !(Math.abs(Math.fround(x / scale)) < 2 ** 31);
}

/** What a convert-then-clamp path yields for such an element: INT32_MIN + zp with wrap-around, clamped. */
function wrappedInt32MinValue(zp: number, qmin: number, qmax: number): number {
  return Math.min(Math.max((-2147483648 + zp) | 0, qmin), qmax);
}

/** The contract's value for such an element: NaN -> qmin, +big -> qmax, -big -> qmin. */
function saturatedValue(x: number, qmin: number, qmax: number): number {
  return x > 0 ? qmax : qmin;
}

interface OracleRun {
  readonly elements: number;
  readonly failures: string[];
  readonly knownDivergences: number;
}

async function runModel(ort: OrtModule, model: Uint8Array, feeds: Record<string, unknown>): Promise<unknown> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  try {
    return (await session.run(feeds)).y!.data;
  } finally {
    await session.release?.();
  }
}

function randomParams(rng: Rng, type: OnnxIntType, groups: number): { scale: Float32Array; zeroPoint: Int32Array } {
  const t = ONNX_INT_TYPES[type];
  const scale = Float32Array.from({ length: groups }, () => 10 ** (rng.next() * 4 - 3));
  const zeroPoint = Int32Array.from({ length: groups }, () => rng.int(t.qmin, t.qmax));
  return { scale, zeroPoint };
}

async function quantizeRun(ort: OrtModule, backend: Backend, rng: Rng, type: OnnxIntType, g: Granularity, withZeroPoint: boolean, label: string): Promise<OracleRun> {
  const l = GRANULARITIES[g];
  const t = ONNX_INT_TYPES[type];
  const n = prod(l.shape);
  const groups = Math.max(1, prod(l.scaleShape));
  const { scale, zeroPoint: zp } = randomParams(rng, type, groups);
  const zeroPoint = withZeroPoint ? zp : new Int32Array(groups);
  const group = groupOfElement(l);
  const x = new Float32Array(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 2 ** 31, 2 ** 40, -(2 ** 40), 1e30, -1e30, 3.4028234663852886e38];
  for (let i = 0; i < n; i++) {
    const s = scale[group[i]!]!;
    const r = rng.next();
    if (r < 0.01) x[i] = rng.pick(specials);
    else if (r < 0.06) x[i] = (rng.int(t.qmin - 3, t.qmax + 3) + 0.5) * s; // ties (exact when the product is)
    else x[i] = rng.normal() * s * (t.qmax - t.qmin) * 0.4;
  }
  const spec: QdqModelSpec = {
    type,
    shape: l.shape,
    scale,
    scaleShape: l.scaleShape,
    ...(withZeroPoint ? { zeroPoint } : {}),
    ...(l.axisAttribute !== undefined ? { axis: l.axisAttribute } : {}),
    ...(l.blockSize !== undefined ? { blockSize: l.blockSize } : {}),
  };
  const ortOut = (await runModel(ort, quantizeLinearModel(spec), { x: new ort.Tensor('float32', x, l.shape) })) as IntArray;
  const ours = ioArray(type, n);
  const kspec: KernelSpec = { qmin: t.qmin, qmax: t.qmax, profile: 'onnx' };
  const k = kernelLayout(l);
  if (k === undefined) backend.quantizeTensor(x, scale[0]!, zeroPoint[0]!, kspec, ours);
  else if ('channels' in k) backend.quantizeAxis(x, scale, zeroPoint, k, kspec, ours);
  else backend.quantizeBlocked(x, scale, zeroPoint, k, kspec, ours);

  const failures: string[] = [];
  let known = 0;
  if (hasKnownOrtLastAxisBug(type, g)) {
    const want = ioArray(type, n);
    referenceBackend.quantizeAxis(x, scale, zeroPoint, k as AxisLayout, kspec, want);
    const d = diffArrays(`${label} (vs the reference: onnxruntime bug 2)`, want, ours, x);
    if (d !== undefined) failures.push(d);
    for (let i = 0; i < n; i++) if (ortOut[i] !== ours[i]) known++;
    return { elements: n, failures, knownDivergences: known };
  }
  const expected = ioArray(type, n);
  expected.set(ortOut);
  for (let i = 0; i < n; i++) {
    const s = scale[group[i]!]!;
    if (!outOfInt32(x[i]!, s)) continue;
    const z = zeroPoint[group[i]!]!;
    const correct = saturatedValue(x[i]!, t.qmin, t.qmax);
    if (ours[i] !== correct) failures.push(`${label}: x[${i}] = ${show(x[i], x)} over scale ${s} must give ${correct}, the backend gave ${ours[i]}`);
    if (ortOut[i] !== correct) {
      if (ortOut[i] !== wrappedInt32MinValue(z, t.qmin, t.qmax)) failures.push(`${label}: onnxruntime gave ${ortOut[i]} for x[${i}] = ${show(x[i], x)}, neither the correct value nor its known wrong one`);
      known++;
    }
    expected[i] = correct;
  }
  const d = diffArrays(label, expected, ours, x);
  if (d !== undefined) failures.push(d);
  return { elements: n, failures, knownDivergences: known };
}

async function dequantizeRun(ort: OrtModule, backend: Backend, rng: Rng, type: OnnxIntType, g: Granularity, withZeroPoint: boolean, label: string): Promise<OracleRun> {
  const l = GRANULARITIES[g];
  const t = ONNX_INT_TYPES[type];
  const n = prod(l.shape);
  const groups = Math.max(1, prod(l.scaleShape));
  const { scale, zeroPoint: zp } = randomParams(rng, type, groups);
  const zeroPoint = withZeroPoint ? zp : new Int32Array(groups);
  const q = ioArray(type, n);
  for (let i = 0; i < n; i++) q[i] = rng.int(t.qmin, t.qmax);
  const spec: QdqModelSpec = {
    type,
    shape: l.shape,
    scale,
    scaleShape: l.scaleShape,
    ...(withZeroPoint ? { zeroPoint } : {}),
    ...(l.axisAttribute !== undefined ? { axis: l.axisAttribute } : {}),
    ...(l.blockSize !== undefined ? { blockSize: l.blockSize } : {}),
  };
  const ortOut = (await runModel(ort, dequantizeLinearModel(spec), { q: new ort.Tensor(t.io, q, l.shape) })) as Float32Array;
  const ours = new Float32Array(n);
  const k = kernelLayout(l);
  if (k === undefined) backend.dequantizeTensor(q, scale[0]!, zeroPoint[0]!, ours);
  else if ('channels' in k) backend.dequantizeAxis(q, scale, zeroPoint, k, ours);
  else backend.dequantizeBlocked(q, scale, zeroPoint, k, ours);
  const d = diffArrays(label, ortOut, ours, q);
  return { elements: n, failures: d === undefined ? [] : [d], knownDivergences: 0 };
}

export interface OracleResult extends CheckResult {
  readonly elements: number;
  /** Elements where one of onnxruntime's known bugs showed (and the backend's correct result was checked instead). */
  readonly knownDivergences: number;
}

export interface OracleOptions {
  /** Seed of the random data (default 1); failures print it. */
  readonly seed?: number;
  readonly types?: readonly OnnxIntType[];
}

function requirementMissing(backend: Backend, type: OnnxIntType, g: Granularity): string | undefined {
  const c = backend.capabilities;
  if (!c.profiles.includes('onnx')) return "no 'onnx' profile";
  if (!c.bits.includes(ONNX_INT_TYPES[type].bits)) return `no ${ONNX_INT_TYPES[type].bits}-bit codes`;
  if (g.startsWith('axis') && !c.perAxis) return 'no per-axis kernels';
  if (g.startsWith('blocked') && !c.blocked) return 'no blocked kernels';
  return undefined;
}

/** Runs the whole oracle grid (types × granularities × with/without zero point × Q/DQ) against a backend. */
export async function runOnnxRuntimeOracle(ort: OrtModule, backend: Backend, op: 'QuantizeLinear' | 'DequantizeLinear', options: OracleOptions = {}): Promise<OracleResult> {
  const seed = options.seed ?? 1;
  const rng = new Rng(seed);
  const tally = new Tally();
  let elements = 0;
  let knownDivergences = 0;
  for (const type of options.types ?? ORACLE_TYPES) {
    for (const g of Object.keys(GRANULARITIES) as Granularity[]) {
      for (const withZeroPoint of [true, false]) {
        const label = `${op} ${type} ${g}${withZeroPoint ? '' : ' (no zero point)'} seed=${seed}`;
        const missing = requirementMissing(backend, type, g);
        if (missing !== undefined) {
          tally.skip(missing);
          continue;
        }
        try {
          const r = await (op === 'QuantizeLinear' ? quantizeRun : dequantizeRun)(ort, backend, rng, type, g, withZeroPoint, label);
          elements += r.elements;
          knownDivergences += r.knownDivergences;
          tally.record(r.failures);
        } catch (e) {
          tally.fail(`${label}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  }
  return { ...tally.result(), elements, knownDivergences };
}

/** The oracle as conformance checks (family 'onnxruntime'), for the report and defineBackendSuite's extra checks. */
export function onnxRuntimeChecks(ort: OrtModule, options: OracleOptions = {}): Check[] {
  const checks: Check[] = (['QuantizeLinear', 'DequantizeLinear'] as const).map((op) => ({
    family: 'onnxruntime',
    name: op,
    run: (backend: Backend) => runOnnxRuntimeOracle(ort, backend, op, options),
  }));
  // float16 tensors through the API on this backend (its half kernels), against float16 models (half-oracle.ts).
  checks.push({ family: 'onnxruntime', name: 'float16 QuantizeLinear / DequantizeLinear', run: (backend: Backend) => runHalfOnnxRuntimeOracle(ort, backend, options) });
  return checks;
}
