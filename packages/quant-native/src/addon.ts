import type { FloatArray, HistogramCounts, IntArray } from '@quantkit/quant-core';

/**
 * The JavaScript interface version this package speaks; native/src/binding/addon.cc has the same kAbiVersion, and the
 * loader refuses a binary that reports another one. Bump both together.
 */
export const ABI_VERSION = 2;

/** Profile codes of the raw interface. */
export type ProfileCode = 0 | 1; // 0 onnx, 1 pytorch

/**
 * The kernels of one engine (an ISA and a thread count), exactly as addon.cc exports them. Arguments are checked again
 * in C++ (types, lengths, layouts), but values are validated by @quantkit/quant-core; use createNativeBackend instead.
 */
export interface NativeKernels {
  quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray): void;
  quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, channels: number, inner: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray): void;
  quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, dim: number, inner: number, blockSize: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray): void;
  dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void;
  dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, channels: number, inner: number, out: FloatArray): void;
  dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, dim: number, inner: number, blockSize: number, out: FloatArray): void;
  /** sums receives sumSq, sumAbs, maxAbs, sumRef2, sumApprox2, dot. */
  fakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, qmin: number, qmax: number, profile: ProfileCode, out: FloatArray, sums: Float64Array): void;
  /** result receives [min, max]. */
  minMax(x: FloatArray, result: Float64Array): void;
  /** result receives [absMax]. */
  absMax(x: FloatArray, result: Float64Array): void;
  minMaxAxis(x: FloatArray, outer: number, channels: number, inner: number, outMin: Float64Array, outMax: Float64Array): void;
  minMaxBlocked(x: FloatArray, outer: number, dim: number, inner: number, blockSize: number, outMin: Float64Array, outMax: Float64Array): void;
  pack(q: Int8Array | Uint8Array, bits: 2 | 4, out: Uint8Array): void;
  unpack(packed: Uint8Array, bits: 2 | 4, signed: boolean, out: Int8Array | Uint8Array): void;
  /**
   * Adds the histogram of x (of |x|) over [min, max] to counts, as @quantkit/quant-core's histogram does: a Uint32Array
   * wraps modulo 2^32, a Float64Array changes as one `+= 1` per element would change it.
   */
  histogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;
  absHistogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;

  // The same kernels off the JavaScript thread. `cancel[0] = 1` (Atomics.store) stops the work at the next chunk and
  // the promise rejects with an Error named 'AbortError'. Outputs are complete only once the promise resolves.
  quantizeTensorAsync(x: FloatArray, scale: number, zeroPoint: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray, cancel?: Int32Array): Promise<void>;
  quantizeAxisAsync(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, channels: number, inner: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray, cancel?: Int32Array): Promise<void>;
  quantizeBlockedAsync(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, dim: number, inner: number, blockSize: number, qmin: number, qmax: number, profile: ProfileCode, out: IntArray, cancel?: Int32Array): Promise<void>;
  dequantizeTensorAsync(q: IntArray, scale: number, zeroPoint: number, out: FloatArray, cancel?: Int32Array): Promise<void>;
  dequantizeAxisAsync(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, channels: number, inner: number, out: FloatArray, cancel?: Int32Array): Promise<void>;
  dequantizeBlockedAsync(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, outer: number, dim: number, inner: number, blockSize: number, out: FloatArray, cancel?: Int32Array): Promise<void>;
  fakeQuantizeTensorAsync(x: FloatArray, scale: number, zeroPoint: number, qmin: number, qmax: number, profile: ProfileCode, out: FloatArray, sums: Float64Array, cancel?: Int32Array): Promise<void>;
  minMaxAsync(x: FloatArray, result: Float64Array, cancel?: Int32Array): Promise<void>;
  absMaxAsync(x: FloatArray, result: Float64Array, cancel?: Int32Array): Promise<void>;
  minMaxAxisAsync(x: FloatArray, outer: number, channels: number, inner: number, outMin: Float64Array, outMax: Float64Array, cancel?: Int32Array): Promise<void>;
  minMaxBlockedAsync(x: FloatArray, outer: number, dim: number, inner: number, blockSize: number, outMin: Float64Array, outMax: Float64Array, cancel?: Int32Array): Promise<void>;
  packAsync(q: Int8Array | Uint8Array, bits: 2 | 4, out: Uint8Array, cancel?: Int32Array): Promise<void>;
  unpackAsync(packed: Uint8Array, bits: 2 | 4, signed: boolean, out: Int8Array | Uint8Array, cancel?: Int32Array): Promise<void>;
  histogramAsync(x: FloatArray, min: number, max: number, counts: HistogramCounts, cancel?: Int32Array): Promise<void>;
  absHistogramAsync(x: FloatArray, min: number, max: number, counts: HistogramCounts, cancel?: Int32Array): Promise<void>;
}

export interface NativeEngine extends NativeKernels {
  readonly isa: 'avx2' | 'scalar';
  readonly threads: number;
}

/** The module object of quant_native.node. Its own kernels are those of the default engine ('auto', all cores). */
export interface NativeAddon extends NativeEngine {
  readonly abiVersion: number;
  /** The @quantkit/quant-native version the binary was built for. */
  readonly version: string;
  /** The ISAs this CPU can run, best first, comma separated ('avx2,scalar'). */
  readonly availableIsas: string;
  /** Cores this process may use (CPU affinity). */
  readonly hardwareConcurrency: number;
  createEngine(isa: 'auto' | 'avx2' | 'scalar', threads: number): NativeEngine;
}
