import {
  KERNEL_NAMES,
  KERNEL_TABLE,
  createKernelApi,
  createQuantApi,
  ErrorCodes,
  QuantError,
  type Backend,
  type BackendCapabilities,
  type KernelApi,
  type QuantApi,
  type QuantizedTensor,
} from '@quantkit/quant-core';
import { recordingBackend } from '../recording.js';
import { describeError, Tally, type Check } from '../types.js';
import { memoryChecks } from './memory.js';

/*
 * Every error code, through createQuantApi(backend) and createKernelApi(backend): each scenario must throw a
 * QuantError with the expected stable code, and no kernel that writes an output may have run before it (validation
 * happens once, up front). ERR_QUANT_BACKEND comes from a view of the backend with a capability switched off.
 */


/**
 * Kernels that write the caller's result array `out`; none may run for an invalid call. (Range measurements, which
 * write scratch arrays of the API's own, may run before an error found later, such as a bad calibration.)
 */
const WRITING = new Set<string>(KERNEL_NAMES.filter((k) => KERNEL_TABLE[k].outputs.includes('out')));

/** The backend, recording which kernels ran, with some capabilities switched off if asked. */
const recording = (inner: Backend, capabilities: BackendCapabilities = inner.capabilities) => recordingBackend(inner, { capabilities });

interface Scenario {
  readonly code: string;
  readonly name: string;
  /** Capabilities to switch off for this scenario (ERR_QUANT_BACKEND). */
  readonly without?: Partial<BackendCapabilities>;
  call(api: QuantApi, kernels: KernelApi): unknown;
}

const bad = <T>(v: unknown): T => v as T;
const f32 = (n = 6) => Float32Array.from({ length: n }, (_, i) => i - 2.5);
const i8spec = { qmin: -128, qmax: 127, profile: 'onnx' } as const;
/** Calls `use` with one 64-byte buffer, for scenarios whose arrays are views of the same memory. */
const overlapping = (use: (memory: ArrayBuffer) => unknown): unknown => use(new ArrayBuffer(64));
const qt = (over: Partial<QuantizedTensor>): QuantizedTensor => ({
  data: new Uint8Array(4),
  scale: 0.5,
  zeroPoint: 0,
  scheme: 'affine',
  bits: 8,
  shape: [4],
  packed: false,
  narrowRange: false,
  profile: 'onnx',
  dtype: 'float32',
  ...over,
});

const C = ErrorCodes;

/** A view whose buffer was transferred away (detached), as postMessage with a transfer list leaves it. */
function detached<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer as ArrayBuffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}

/** A Uint8Array whose prototype claims it is a Float32Array: identity is the brand, so it is a Uint8Array. */
function disguisedUint8(n: number): Float32Array {
  return Object.setPrototypeOf(new Uint8Array(n), Float32Array.prototype) as Float32Array;
}

export const ERROR_SCENARIOS: readonly Scenario[] = [
  // ERR_QUANT_INPUT_TYPE
  { code: C.INPUT_TYPE, name: 'quantize of a plain array', call: (a) => a.quantize(bad([1, 2, 3])) },
  { code: C.INPUT_TYPE, name: 'quantize of an Int32Array', call: (a) => a.quantize(bad(new Int32Array(3))) },
  { code: C.INPUT_TYPE, name: 'computeQParams of null', call: (a) => a.computeQParams(bad(null)) },
  { code: C.INPUT_TYPE, name: 'dequantize of null', call: (a) => a.dequantize(bad(null)) },
  { code: C.INPUT_TYPE, name: 'dequantize with Int8Array data for an affine tensor', call: (a) => a.dequantize(qt({ data: new Int8Array(4) })) },
  { code: C.INPUT_TYPE, name: 'quantizationError of a string', call: (a) => a.quantizationError(bad('abc'), [1]) },
  { code: C.INPUT_TYPE, name: 'kernel quantizeTensor of a Uint8Array', call: (_, k) => k.quantizeTensor(bad(new Uint8Array(3)), 1, 0, i8spec, new Int8Array(3)) },
  { code: C.INPUT_TYPE, name: 'kernel dequantizeTensor of a Float32Array', call: (_, k) => k.dequantizeTensor(bad(new Float32Array(3)), 1, 0, new Float32Array(3)) },
  { code: C.INPUT_TYPE, name: 'kernel minMax of an Int16Array', call: (_, k) => k.minMax(bad(new Int16Array(3))) },
  { code: C.INPUT_TYPE, name: 'kernel pack of an Int16Array', call: (_, k) => k.pack(bad(new Int16Array(2)), 4, new Uint8Array(1)) },
  { code: C.INPUT_TYPE, name: 'kernel unpack of an Int8Array', call: (_, k) => k.unpack(bad(new Int8Array(1)), 4, false, new Uint8Array(2)) },
  { code: C.INPUT_TYPE, name: 'quantize of a Uint8Array with a Float32Array prototype', call: (a) => a.quantize(disguisedUint8(6)) },
  { code: C.INPUT_TYPE, name: 'kernel minMax of a Uint8Array with a Float32Array prototype', call: (_, k) => k.minMax(disguisedUint8(6)) },
  { code: C.INPUT_TYPE, name: 'quantizationError of a BigInt64Array', call: (a) => a.quantizationError(bad(BigInt64Array.of(1n)), [1]) },
  // ERR_QUANT_BITS
  { code: C.BITS, name: 'bits 1', call: (a) => a.quantize(f32(), { bits: 1 }) },
  { code: C.BITS, name: 'bits 17', call: (a) => a.quantize(f32(), { bits: 17 }) },
  { code: C.BITS, name: 'bits 8.5', call: (a) => a.quantize(f32(), { bits: 8.5 }) },
  { code: C.BITS, name: "bits '8'", call: (a) => a.quantize(f32(), { bits: bad('8') }) },
  { code: C.BITS, name: 'bits null (null is not the default)', call: (a) => a.quantize(f32(), { bits: bad(null) }) },
  { code: C.BITS, name: 'bits 8n', call: (a) => a.quantize(f32(), { bits: bad(8n) }) },
  { code: C.BITS, name: 'dequantize of a 20-bit tensor', call: (a) => a.dequantize(qt({ bits: 20 })) },
  { code: C.BITS, name: 'kernel spec wider than the output array', call: (_, k) => k.quantizeTensor(f32(3), 1, 0, { qmin: -200, qmax: 127, profile: 'onnx' }, new Int8Array(3)) },
  { code: C.BITS, name: 'kernel spec with qmin > qmax', call: (_, k) => k.quantizeTensor(f32(3), 1, 0, { qmin: 5, qmax: 4, profile: 'onnx' }, new Int8Array(3)) },
  { code: C.BITS, name: 'kernel fake-quantize spec of 17 bits', call: (_, k) => k.fakeQuantizeTensor(f32(3), 1, 0, { qmin: 0, qmax: 131071, profile: 'onnx' }, new Float32Array(3)) },
  // ERR_QUANT_AXIS
  { code: C.AXIS, name: 'axis 2 of a rank-2 tensor', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 2 } }) },
  { code: C.AXIS, name: 'axis -3 of a rank-2 tensor', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: -3 } }) },
  { code: C.AXIS, name: 'axis 0.5', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 0.5 } }) },
  { code: C.AXIS, name: 'blocked axis out of range', call: (a) => a.quantize(f32(), { shape: [6], granularity: { axis: 1, blockSize: 2 } }) },
  { code: C.AXIS, name: 'dequantize with axis out of range', call: (a) => a.dequantize(qt({ axis: 3, scale: bad([1, 1, 1, 1]), zeroPoint: bad([0, 0, 0, 0]) })) },
  // ERR_QUANT_SHAPE
  { code: C.SHAPE, name: 'shape holding fewer elements', call: (a) => a.quantize(f32(), { shape: [4] }) },
  { code: C.SHAPE, name: 'negative dimension', call: (a) => a.quantize(f32(), { shape: [-2, -3] }) },
  { code: C.SHAPE, name: 'shape that is not an array', call: (a) => a.quantize(f32(), { shape: bad('2x3') }) },
  { code: C.SHAPE, name: 'a BigInt in a shape', call: (a) => a.quantize(f32(), { shape: bad([2n, 3]) }) },
  { code: C.SHAPE, name: 'a dimension beyond 2^53 beside a zero', call: (a) => a.quantize(new Float32Array(0), { shape: [2 ** 53, 0] }) },
  { code: C.SHAPE, name: 'kernel layout beyond 2^53', call: (_, k) => k.minMaxAxis(new Float32Array(0), { outer: 2 ** 60, channels: 0, inner: 1 }, new Float64Array(0), new Float64Array(0)) },
  { code: C.SHAPE, name: 'quantizationError of different lengths', call: (a) => a.quantizationError([1, 2], [1]) },
  { code: C.SHAPE, name: 'dequantize with data shorter than the shape', call: (a) => a.dequantize(qt({ shape: [5] })) },
  { code: C.SHAPE, name: 'kernel axis layout of the wrong size', call: (_, k) => k.quantizeAxis(f32(), Float32Array.of(1, 1), new Int32Array(2), { outer: 1, channels: 2, inner: 2 }, i8spec, new Int8Array(6)) },
  { code: C.SHAPE, name: 'kernel layout with a fractional count', call: (_, k) => k.minMaxAxis(f32(), { outer: 1.5, channels: 2, inner: 2 }, new Float64Array(2), new Float64Array(2)) },
  // ERR_QUANT_BLOCK_SIZE
  { code: C.BLOCK_SIZE, name: 'blockSize 0', call: (a) => a.quantize(f32(), { shape: [6], granularity: { axis: 0, blockSize: 0 } }) },
  { code: C.BLOCK_SIZE, name: 'blockSize 1.5', call: (a) => a.quantize(f32(), { shape: [6], granularity: { axis: 0, blockSize: 1.5 } }) },
  { code: C.BLOCK_SIZE, name: 'kernel blocked layout with blockSize 0', call: (_, k) => k.quantizeBlocked(f32(), Float32Array.of(1), Int32Array.of(0), { outer: 1, dim: 6, inner: 1, blockSize: 0 }, i8spec, new Int8Array(6)) },
  // ERR_QUANT_SCALE
  { code: C.SCALE, name: 'scale 0', call: (a) => a.quantize(f32(), { scale: 0 }) },
  { code: C.SCALE, name: 'scale -1', call: (a) => a.quantize(f32(), { scale: -1 }) },
  { code: C.SCALE, name: 'scale NaN', call: (a) => a.quantize(f32(), { scale: NaN }) },
  { code: C.SCALE, name: 'scale Infinity', call: (a) => a.quantize(f32(), { scale: Infinity }) },
  { code: C.SCALE, name: 'float32 scale 1e-50 (rounds to 0)', call: (a) => a.quantize(f32(), { scale: 1e-50 }) },
  { code: C.SCALE, name: 'float32 scale 1e39 (rounds to Infinity)', call: (a) => a.quantize(f32(), { scale: 1e39 }) },
  { code: C.SCALE, name: 'per-axis scale array of the wrong length', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 1 }, scale: [1, 1] }) },
  { code: C.SCALE, name: 'dequantize with scale 0', call: (a) => a.dequantize(qt({ scale: 0 })) },
  { code: C.SCALE, name: 'kernel quantizeTensor with scale 0', call: (_, k) => k.quantizeTensor(f32(3), 0, 0, i8spec, new Int8Array(3)) },
  { code: C.SCALE, name: 'kernel scales in an Int32Array', call: (_, k) => k.quantizeAxis(f32(), bad(Int32Array.of(1, 1)), new Int32Array(2), { outer: 1, channels: 2, inner: 3 }, i8spec, new Int8Array(6)) },
  { code: C.SCALE, name: 'per-axis scales in a BigInt64Array', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 0 }, scale: bad(BigInt64Array.of(1n, 1n)) }) },
  { code: C.SCALE, name: 'kernel dequantize scales with a NaN', call: (_, k) => k.dequantizeAxis(new Int8Array(4), Float32Array.of(1, NaN), new Int32Array(2), { outer: 1, channels: 2, inner: 2 }, new Float32Array(4)) },
  // ERR_QUANT_ZERO_POINT
  { code: C.ZERO_POINT, name: 'uint8 zero point 256', call: (a) => a.quantize(f32(), { scale: 1, zeroPoint: 256 }) },
  { code: C.ZERO_POINT, name: 'zero point 1.5', call: (a) => a.quantize(f32(), { scale: 1, zeroPoint: 1.5 }) },
  { code: C.ZERO_POINT, name: 'affine zero point -1', call: (a) => a.quantize(f32(), { scale: 1, zeroPoint: -1 }) },
  { code: C.ZERO_POINT, name: 'per-axis zero points of the wrong length', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 0 }, scale: [1, 1], zeroPoint: [0] }) },
  { code: C.ZERO_POINT, name: 'kernel zero point outside [qmin, qmax]', call: (_, k) => k.quantizeTensor(f32(3), 1, 128, i8spec, new Int8Array(3)) },
  { code: C.ZERO_POINT, name: 'kernel zero points in a Float32Array', call: (_, k) => k.quantizeAxis(f32(), Float32Array.of(1, 1), bad(new Float32Array(2)), { outer: 1, channels: 2, inner: 3 }, i8spec, new Int8Array(6)) },
  { code: C.ZERO_POINT, name: 'kernel dequantize int8 with zero point 200', call: (_, k) => k.dequantizeTensor(new Int8Array(3), 1, 200, new Float32Array(3)) },
  // ERR_QUANT_OUTPUT
  { code: C.OUTPUT, name: 'dequantize into an output of the wrong length', call: (a) => a.dequantize(qt({}), new Float32Array(3)) },
  { code: C.OUTPUT, name: 'dequantize into an output overlapping the codes', call: (a) => overlapping((m) => a.dequantize(qt({ data: new Uint8Array(m, 0, 6), shape: [6] }), new Float32Array(m, 4, 6))) },
  { code: C.OUTPUT, name: 'quantize into an out of the wrong length', call: (a) => a.quantize(f32(), { out: new Uint8Array(5) }) },
  { code: C.OUTPUT, name: 'affine quantize into an Int8Array out', call: (a) => a.quantize(f32(), { out: new Int8Array(6) }) },
  { code: C.OUTPUT, name: '10-bit quantize into a Uint8Array out', call: (a) => a.quantize(f32(), { bits: 10, out: new Uint8Array(6) }) },
  { code: C.OUTPUT, name: 'packed 4-bit quantize into an out of 6 bytes', call: (a) => a.quantize(f32(), { bits: 4, packed: true, out: new Uint8Array(6) }) },
  { code: C.OUTPUT, name: 'quantize into an out overlapping x', call: (a) => overlapping((m) => a.quantize(new Float32Array(m, 8, 6), { out: new Uint8Array(m, 30, 6) })) },
  { code: C.OUTPUT, name: 'fakeQuantize into an out of codes', call: (a) => a.fakeQuantize(f32(), { out: new Uint8Array(6) }) },
  { code: C.OUTPUT, name: 'fakeQuantize of float32 into a Float64Array', call: (a) => a.fakeQuantize(f32(), { out: new Float64Array(6) }) },
  { code: C.OUTPUT, name: 'fakeQuantizeWithError into an out of the wrong length', call: (a) => a.fakeQuantizeWithError(f32(), { out: new Float32Array(5) }) },
  { code: C.OUTPUT, name: 'fakeQuantize into an out overlapping x', call: (a) => overlapping((m) => a.fakeQuantize(new Float32Array(m, 8, 6), { out: new Float32Array(m, 16, 6) })) },
  { code: C.OUTPUT, name: 'kernel quantize into an output of the wrong length', call: (_, k) => k.quantizeTensor(f32(3), 1, 0, i8spec, new Int8Array(4)) },
  { code: C.OUTPUT, name: 'kernel quantize into a Float32Array', call: (_, k) => k.quantizeTensor(f32(3), 1, 0, i8spec, bad(new Float32Array(3))) },
  { code: C.OUTPUT, name: 'kernel dequantize into an Int8Array', call: (_, k) => k.dequantizeTensor(new Int8Array(3), 1, 0, bad(new Int8Array(3))) },
  { code: C.OUTPUT, name: 'kernel fake-quantize float32 into a Float64Array', call: (_, k) => k.fakeQuantizeTensor(f32(3), 1, 0, i8spec, new Float64Array(3)) },
  { code: C.OUTPUT, name: 'kernel minMaxAxis into a Float32Array', call: (_, k) => k.minMaxAxis(f32(), { outer: 1, channels: 2, inner: 3 }, bad(new Float32Array(2)), new Float64Array(2)) },
  { code: C.OUTPUT, name: 'kernel unpack into an Int16Array', call: (_, k) => k.unpack(new Uint8Array(1), 4, true, bad(new Int16Array(2))) },
  // ERR_QUANT_PACKED
  { code: C.PACKED, name: 'packed 8-bit storage', call: (a) => a.quantize(f32(), { bits: 8, packed: true }) },
  { code: C.PACKED, name: 'dequantize packed data of the wrong byte length', call: (a) => a.dequantize(qt({ bits: 4, packed: true, shape: [5], data: new Uint8Array(2) })) },
  { code: C.PACKED, name: 'kernel pack with 3 bits', call: (_, k) => k.pack(new Int8Array(4), bad(3), new Uint8Array(2)) },
  { code: C.PACKED, name: 'kernel pack into the wrong byte count', call: (_, k) => k.pack(new Int8Array(5), 4, new Uint8Array(2)) },
  { code: C.PACKED, name: 'kernel unpack from the wrong byte count', call: (_, k) => k.unpack(new Uint8Array(1), 2, false, new Uint8Array(5)) },
  // ERR_QUANT_OPTION
  { code: C.OPTION, name: 'computeQParams with an out', call: (a) => a.computeQParams(f32(), { out: new Uint8Array(6) }) },
  { code: C.OPTION, name: "scheme 'asymmetric'", call: (a) => a.quantize(f32(), { scheme: bad('asymmetric') }) },
  { code: C.OPTION, name: "profile 'tflite'", call: (a) => a.quantize(f32(), { profile: bad('tflite') }) },
  { code: C.OPTION, name: "granularity 'channel'", call: (a) => a.quantize(f32(), { granularity: bad('channel') }) },
  { code: C.OPTION, name: "narrowRange 'yes'", call: (a) => a.quantize(f32(), { narrowRange: bad('yes') }) },
  { code: C.OPTION, name: 'options that are a number', call: (a) => a.quantize(f32(), bad(5)) },
  { code: C.OPTION, name: "range 'percentile'", call: (a) => a.quantize(f32(), { range: bad('percentile') }) },
  { code: C.OPTION, name: 'range and scale together', call: (a) => a.quantize(f32(), { range: { min: 0, max: 1 }, scale: 1 }) },
  { code: C.OPTION, name: 'zeroPoint without scale', call: (a) => a.quantize(f32(), { zeroPoint: 3 }) },
  { code: C.OPTION, name: "dequantize with dtype 'float8'", call: (a) => a.dequantize(qt({ dtype: bad('float8') })) },
  { code: C.OPTION, name: 'kernel spec that is null', call: (_, k) => k.quantizeTensor(f32(3), 1, 0, bad(null), new Int8Array(3)) },
  { code: C.OPTION, name: "kernel spec with profile 'fast'", call: (_, k) => k.quantizeTensor(f32(3), 1, 0, { qmin: -128, qmax: 127, profile: bad('fast') }, new Int8Array(3)) },
  // ERR_QUANT_RANGE
  { code: C.RANGE, name: 'range with min > max', call: (a) => a.quantize(f32(), { range: { min: 2, max: 1 } }) },
  { code: C.RANGE, name: 'range with a NaN bound', call: (a) => a.quantize(f32(), { range: { min: NaN, max: 1 } }) },
  { code: C.RANGE, name: 'minmax of data holding Infinity', call: (a) => a.quantize(Float32Array.of(1, Infinity, 2)) },
  { code: C.RANGE, name: 'range bound of the wrong type', call: (a) => a.quantize(f32(), { range: { min: bad('0'), max: 1 } }) },
  { code: C.RANGE, name: 'per-axis range of the wrong length', call: (a) => a.quantize(f32(), { shape: [2, 3], granularity: { axis: 0 }, range: { min: [0], max: [1] } }) },
  { code: C.RANGE, name: 'range too wide for a float32 scale', call: (a) => a.quantize(f32(), { range: { min: -1e300, max: 1e300 } }) },
  // ERR_QUANT_DETACHED (a view whose buffer was transferred away before the call)
  { code: C.DETACHED, name: 'quantize of a detached view', call: (a) => a.quantize(detached(f32()), { shape: [2, 3] }) },
  { code: C.DETACHED, name: 'quantize into a detached out', call: (a) => a.quantize(f32(), { out: detached(new Uint8Array(6)) }) },
  { code: C.DETACHED, name: 'dequantize of detached data', call: (a) => a.dequantize(qt({ data: detached(new Uint8Array(4)) })) },
  { code: C.DETACHED, name: 'dequantize into a detached out', call: (a) => a.dequantize(qt({}), detached(new Float32Array(4))) },
  { code: C.DETACHED, name: 'kernel quantizeTensor of a detached view', call: (_, k) => k.quantizeTensor(detached(f32(3)), 1, 0, i8spec, new Int8Array(3)) },
  { code: C.DETACHED, name: 'kernel dequantizeTensor into a detached out', call: (_, k) => k.dequantizeTensor(new Int8Array(3), 1, 0, detached(new Float32Array(3))) },
  // ERR_QUANT_LIMIT (more groups than can be allocated: only an empty tensor can ask for them)
  { code: C.LIMIT, name: '2^31 channels of an empty tensor', call: (a) => a.quantize(new Float32Array(0), { shape: [2 ** 31, 0], granularity: { axis: 0 } }) },
  { code: C.LIMIT, name: '2^52 channels of an empty tensor to dequantize', call: (a) => a.dequantize(qt({ data: new Uint8Array(0), shape: [0, 2 ** 52], axis: 1, scale: bad(new Float32Array(0)), zeroPoint: bad(new Int32Array(0)) })) },
  // ERR_QUANT_UNKNOWN_OPTION
  { code: C.UNKNOWN_OPTION, name: 'option bitz', call: (a) => a.quantize(f32(), bad({ bitz: 4 })) },
  { code: C.UNKNOWN_OPTION, name: 'granularity.blocksize', call: (a) => a.fakeQuantize(f32(), bad({ shape: [6], granularity: { axis: 0, blocksize: 2 } })) },
  { code: C.UNKNOWN_OPTION, name: 'range.mx', call: (a) => a.computeQParams(f32(), bad({ range: { min: 0, mx: 1 } })) },
  // ERR_QUANT_BACKEND (a capability switched off)
  { code: C.BACKEND, name: 'Float64Array input without float64', without: { float64: false }, call: (a) => a.quantize(new Float64Array(3)) },
  { code: C.BACKEND, name: 'pytorch profile without it', without: { profiles: ['onnx'] }, call: (a) => a.quantize(f32(), { profile: 'pytorch' }) },
  { code: C.BACKEND, name: '4-bit codes without them', without: { bits: [8] }, call: (a) => a.fakeQuantize(f32(), { bits: 4 }) },
  { code: C.BACKEND, name: 'packing without it', without: { packedBits: [] }, call: (a) => a.quantize(f32(), { bits: 4, packed: true }) },
  { code: C.BACKEND, name: 'per-axis without it', without: { perAxis: false }, call: (a) => a.computeQParams(f32(), { shape: [2, 3], granularity: { axis: 1 } }) },
  { code: C.BACKEND, name: 'blocked without it', without: { blocked: false }, call: (a) => a.quantize(f32(), { shape: [6], granularity: { axis: 0, blockSize: 4 } }) },
];

/** Runs one scenario; returns failure messages (empty when the right QuantError was thrown before any write). */
export function runErrorScenario(inner: Backend, s: Scenario): string[] {
  const { backend, calls } = recording(inner, s.without ? { ...inner.capabilities, ...s.without } : inner.capabilities);
  try {
    s.call(createQuantApi(backend), createKernelApi(backend));
  } catch (e) {
    const problems: string[] = [];
    if (!(e instanceof QuantError) || e.name !== 'QuantError') problems.push(`threw ${describeError(e)}, expected a QuantError`);
    else if (e.code !== s.code) problems.push(`threw code ${e.code}, expected ${s.code} (${e.message})`);
    const wrote = calls.filter((c) => WRITING.has(c));
    if (wrote.length > 0) problems.push(`the backend ran ${wrote.join(', ')} before the error`);
    return problems;
  }
  return [`did not throw, expected ${s.code}`];
}

export function errorChecks(): Check[] {
  const codes = [...new Set(ERROR_SCENARIOS.map((s) => s.code))];
  const byCode = codes.map((code) => ({
    family: 'errors',
    name: code,
    run(backend: Backend) {
      const tally = new Tally();
      for (const s of ERROR_SCENARIOS.filter((x) => x.code === code)) tally.record(runErrorScenario(backend, s).map((m) => `${s.name}: ${m}`));
      return tally.result();
    },
  }));
  return [...byCode, ...memoryChecks()];
}

/** Every code in ErrorCodes has at least one scenario (checked by this package's tests). */
/**
 * Codes no call of the API on a Backend object can raise: loading the native addon and its configuration (tested by
 * @quantkit/quant-native and @quantkit/quant), and the raw addon's own argument checks (behind validation); loading the
 * WebAssembly module and growing its memory past the runtime's limit (tested by @quantkit/quant-wasm).
 */
const NOT_THROUGH_THE_API: readonly string[] = [
  ErrorCodes.NATIVE_UNAVAILABLE,
  ErrorCodes.NATIVE_ISA,
  ErrorCodes.NATIVE_THREADS,
  ErrorCodes.NATIVE_ARGUMENT,
  ErrorCodes.WASM_UNAVAILABLE,
  ErrorCodes.WASM_MEMORY,
];

export function uncoveredErrorCodes(): string[] {
  const covered = new Set<string>([...ERROR_SCENARIOS.map((s) => s.code), ...NOT_THROUGH_THE_API]);
  return Object.values(ErrorCodes).filter((c) => !covered.has(c));
}
