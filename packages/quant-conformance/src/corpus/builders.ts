import {
  createKernelApi,
  createQuantApi,
  referenceBackend,
  resolveGranularity,
  storageSpec,
  type AxisLayout,
  type BlockLayout,
  type FloatArray,
  type IntArray,
  type KernelSpec,
  type Profile,
  type QuantizationErrorReport,
  type QuantizeOptions,
  type Scheme,
} from '@quantkit/quant-core';
import { ARRAY_CONSTRUCTORS, encodeArray, encodeNumber, type ArrayDType } from '../encoding.js';
import type {
  CorpusCase,
  DequantizeAxisCase,
  DequantizeBlockedCase,
  DequantizeTensorCase,
  ErrorReportJson,
  FakeQuantizeCase,
  FakeQuantizeTensorCase,
  MinMaxAxisCase,
  MinMaxBlockedCase,
  PackCase,
  QuantizeAxisCase,
  QuantizeBlockedCase,
  QuantizeCase,
  QuantizeOptionsJson,
  QuantizeTensorCase,
  UnpackCase,
} from './schema.js';

/*
 * Case builders for the corpus generator: each takes inputs and parameters, computes the expected output with the
 * reference backend, and returns a JSON-ready case. The reference is the contract, so the corpus is by definition
 * what the reference computes; the checked-in files pin it (a test regenerates them and compares).
 */

/** The reference kernels behind core's validation, so every generated kernel case is a valid call. */
const ref = createKernelApi(referenceBackend);
const refApi = createQuantApi(referenceBackend);

/** A kernel spec plus the storage width it stands for. */
export interface SpecWithBits {
  readonly spec: KernelSpec;
  readonly bits: number;
  readonly label: string;
}

export function specOf(scheme: Scheme, bits: number, profile: Profile = 'onnx', narrowRange = false): SpecWithBits {
  const s = storageSpec(scheme, bits, narrowRange);
  const label = `${s.signed ? 'int' : 'uint'}${bits}${narrowRange ? '-narrow' : ''} ${profile}`;
  return { spec: { qmin: s.qmin, qmax: s.qmax, profile }, bits, label };
}

/** The unpacked array type codes of `bits` bits are stored in. */
export function codeDtype(spec: KernelSpec, bits: number): ArrayDType {
  const signed = spec.qmin < 0;
  if (bits <= 8) return signed ? 'int8' : 'uint8';
  return signed ? 'int16' : 'uint16';
}

function codes(dtype: ArrayDType, length: number): IntArray {
  return new ARRAY_CONSTRUCTORS[dtype](length) as IntArray;
}

function floats(like: FloatArray | 'float32' | 'float64', length: number): FloatArray {
  const dtype = typeof like === 'string' ? like : like instanceof Float32Array ? 'float32' : 'float64';
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

export function reportJson(r: QuantizationErrorReport): ErrorReportJson {
  return {
    mse: encodeNumber(r.mse),
    rmse: encodeNumber(r.rmse),
    maxAbs: encodeNumber(r.maxAbs),
    meanAbs: encodeNumber(r.meanAbs),
    sqnrDb: encodeNumber(r.sqnrDb),
    cosine: encodeNumber(r.cosine),
  };
}

export function quantizeTensorCase(name: string, x: FloatArray, scale: number, zeroPoint: number, s: SpecWithBits, lengths?: readonly number[]): QuantizeTensorCase {
  const out = codes(codeDtype(s.spec, s.bits), x.length);
  ref.quantizeTensor(x, scale, zeroPoint, s.spec, out);
  return { name, op: 'quantizeTensor', ...(lengths ? { lengths } : {}), x: encodeArray(x), scale, zeroPoint, spec: s.spec, bits: s.bits, expected: encodeArray(out) };
}

export function quantizeAxisCase(name: string, x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, s: SpecWithBits): QuantizeAxisCase {
  const out = codes(codeDtype(s.spec, s.bits), x.length);
  ref.quantizeAxis(x, scales, zeroPoints, layout, s.spec, out);
  return {
    name,
    op: 'quantizeAxis',
    x: encodeArray(x),
    scales: encodeArray(scales),
    zeroPoints: encodeArray(zeroPoints),
    layout,
    spec: s.spec,
    bits: s.bits,
    expected: encodeArray(out),
  };
}

export function quantizeBlockedCase(name: string, x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, s: SpecWithBits): QuantizeBlockedCase {
  const out = codes(codeDtype(s.spec, s.bits), x.length);
  ref.quantizeBlocked(x, scales, zeroPoints, layout, s.spec, out);
  return {
    name,
    op: 'quantizeBlocked',
    x: encodeArray(x),
    scales: encodeArray(scales),
    zeroPoints: encodeArray(zeroPoints),
    layout,
    spec: s.spec,
    bits: s.bits,
    expected: encodeArray(out),
  };
}

export function dequantizeTensorCase(name: string, q: IntArray, scale: number, zeroPoint: number, outDtype: 'float32' | 'float64', lengths?: readonly number[]): DequantizeTensorCase {
  const out = floats(outDtype, q.length);
  ref.dequantizeTensor(q, scale, zeroPoint, out);
  return { name, op: 'dequantizeTensor', ...(lengths ? { lengths } : {}), q: encodeArray(q), scale, zeroPoint, expected: encodeArray(out) };
}

export function dequantizeAxisCase(name: string, q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, outDtype: 'float32' | 'float64'): DequantizeAxisCase {
  const out = floats(outDtype, q.length);
  ref.dequantizeAxis(q, scales, zeroPoints, layout, out);
  return { name, op: 'dequantizeAxis', q: encodeArray(q), scales: encodeArray(scales), zeroPoints: encodeArray(zeroPoints), layout, expected: encodeArray(out) };
}

export function dequantizeBlockedCase(name: string, q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, outDtype: 'float32' | 'float64'): DequantizeBlockedCase {
  const out = floats(outDtype, q.length);
  ref.dequantizeBlocked(q, scales, zeroPoints, layout, out);
  return { name, op: 'dequantizeBlocked', q: encodeArray(q), scales: encodeArray(scales), zeroPoints: encodeArray(zeroPoints), layout, expected: encodeArray(out) };
}

export function fakeQuantizeTensorCase(name: string, x: FloatArray, scale: number, zeroPoint: number, s: SpecWithBits, lengths?: readonly number[]): FakeQuantizeTensorCase {
  const out = floats(x, x.length);
  const report = ref.fakeQuantizeTensor(x, scale, zeroPoint, s.spec, out);
  const base = { name, op: 'fakeQuantizeTensor' as const, x: encodeArray(x), scale, zeroPoint, spec: s.spec, bits: s.bits, expected: encodeArray(out) };
  if (lengths === undefined) return { ...base, expectedError: reportJson(report) };
  const perLength = lengths.map((n) => reportJson(ref.fakeQuantizeTensor(x.subarray(0, n), scale, zeroPoint, s.spec, floats(x, n))));
  return { ...base, lengths, expectedPerLength: perLength };
}

export function minMaxCase(name: string, x: FloatArray, lengths?: readonly number[]): CorpusCase {
  const mm = (a: FloatArray) => {
    const r = ref.minMax(a);
    return { min: encodeNumber(r.min), max: encodeNumber(r.max) };
  };
  if (lengths === undefined) return { name, op: 'minMax', x: encodeArray(x), expected: mm(x) };
  return { name, op: 'minMax', lengths, x: encodeArray(x), expectedPerLength: lengths.map((n) => mm(x.subarray(0, n))) };
}

export function absMaxCase(name: string, x: FloatArray, lengths?: readonly number[]): CorpusCase {
  if (lengths === undefined) return { name, op: 'absMax', x: encodeArray(x), expected: encodeNumber(ref.absMax(x)) };
  return { name, op: 'absMax', lengths, x: encodeArray(x), expectedPerLength: lengths.map((n) => encodeNumber(ref.absMax(x.subarray(0, n)))) };
}

export function minMaxAxisCase(name: string, x: FloatArray, layout: AxisLayout): MinMaxAxisCase {
  const min = new Float64Array(layout.channels);
  const max = new Float64Array(layout.channels);
  ref.minMaxAxis(x, layout, min, max);
  return { name, op: 'minMaxAxis', x: encodeArray(x), layout, expectedMin: encodeArray(min), expectedMax: encodeArray(max) };
}

export function minMaxBlockedCase(name: string, x: FloatArray, layout: BlockLayout): MinMaxBlockedCase {
  const groups = layout.outer * Math.ceil(layout.dim / layout.blockSize) * layout.inner;
  const min = new Float64Array(groups);
  const max = new Float64Array(groups);
  ref.minMaxBlocked(x, layout, min, max);
  return { name, op: 'minMaxBlocked', x: encodeArray(x), layout, expectedMin: encodeArray(min), expectedMax: encodeArray(max) };
}

export function packCase(name: string, q: Int8Array | Uint8Array, bits: 2 | 4, lengths?: readonly number[]): PackCase {
  const out = new Uint8Array(Math.ceil((q.length * bits) / 8));
  ref.pack(q, bits, out);
  return { name, op: 'pack', ...(lengths ? { lengths } : {}), q: encodeArray(q), bits, expected: encodeArray(out) };
}

export function unpackCase(name: string, packed: Uint8Array, bits: 2 | 4, signed: boolean, count: number, lengths?: readonly number[]): UnpackCase {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  ref.unpack(packed.subarray(0, Math.ceil((count * bits) / 8)), bits, signed, out);
  return { name, op: 'unpack', ...(lengths ? { lengths } : {}), packed: encodeArray(packed), bits, signed, expected: encodeArray(out) };
}

export function quantizeApiCase(name: string, x: FloatArray, options: QuantizeOptionsJson): QuantizeCase {
  const qt = refApi.quantize(x, options as QuantizeOptions);
  return {
    name,
    op: 'quantize',
    x: encodeArray(x),
    options,
    expected: {
      data: encodeArray(qt.data),
      scale: typeof qt.scale === 'number' ? encodeNumber(qt.scale) : encodeArray(qt.scale),
      zeroPoint: typeof qt.zeroPoint === 'number' ? qt.zeroPoint : encodeArray(qt.zeroPoint),
    },
  };
}

export function fakeQuantizeApiCase(name: string, x: FloatArray, options: QuantizeOptionsJson): FakeQuantizeCase {
  return { name, op: 'fakeQuantize', x: encodeArray(x), options, expected: encodeArray(refApi.fakeQuantize(x, options as QuantizeOptions)) };
}

/** The kernel layout of a granularity on a shape (as the API computes it). */
export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  const g = resolveGranularity({ axis }, shape);
  if (g.kind !== 'axis') throw new Error('not a per-axis granularity');
  return g.layout;
}

export function blockLayout(shape: readonly number[], axis: number, blockSize: number): BlockLayout {
  const g = resolveGranularity({ axis, blockSize }, shape);
  if (g.kind !== 'block') throw new Error('not a blocked granularity');
  return g.layout;
}

export function blockGroups(l: BlockLayout): number {
  return l.outer * Math.ceil(l.dim / l.blockSize) * l.inner;
}

/** A Float32Array from raw bit patterns (NaN payloads, subnormals, -0 kept exactly). */
export function f32FromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

export function f64FromBits(bits: readonly bigint[]): Float64Array {
  return new Float64Array(BigUint64Array.from(bits).buffer);
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
