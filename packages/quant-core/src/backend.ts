import * as dequantizeKernels from './kernels/dequantize.js';
import * as packKernels from './kernels/pack.js';
import * as quantizeKernels from './kernels/quantize.js';
import * as reduceKernels from './kernels/reduce.js';
import { absHistogramRun, histogramRun, type HistogramCounts } from './calibrate/histogram.js';
import type { AxisLayout, BlockLayout, FloatArray, IntArray, KernelSpec, MinMax, Profile, QuantizationErrorReport } from './types.js';
import { VERSION } from './version.js';
import { errorReportOf, accumulateError, newErrorSums } from './metrics.js';

/** What a backend can do; the conformance suite skips by capability, never by name. */
export interface BackendCapabilities {
  readonly float64: boolean;
  readonly profiles: readonly Profile[];
  readonly perAxis: boolean;
  readonly blocked: boolean;
  /** Bit widths of unpacked storage the backend quantizes to (all of 2..16 for the reference). */
  readonly bits: readonly number[];
  /** Sub-byte packing widths. */
  readonly packedBits: readonly (2 | 4)[];
  readonly fakeQuantize: boolean;
  /**
   * The backend bins values itself (histogram / absHistogram). Calibration uses the backend's histograms when this is
   * true and the reference's otherwise; the counts are identical either way.
   */
  readonly histogram: boolean;
}

/**
 * The kernel-level interface every backend implements. All arguments are validated by the caller (the high-level API
 * in api.ts validates once, in TypeScript); outputs are provided by the caller and never allocated by the backend.
 * Typed arrays may be views at any byteOffset into a larger or shared ArrayBuffer.
 */
export interface Backend {
  readonly name: string;
  /** 'js' for the reference, the instruction set for native backends ('avx2', 'scalar'). */
  readonly isa: string;
  readonly version: string;
  readonly threads: number;
  readonly capabilities: BackendCapabilities;

  quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void;
  quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void;
  quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void;

  dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void;
  dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void;
  dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void;

  /**
   * Quantize then dequantize with one scale, writing the dequantized values to `out` (same precision rules as the
   * separate kernels: bit-identical to quantizeTensor followed by dequantizeTensor), and return the error metrics of
   * out against x.
   */
  fakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): QuantizationErrorReport;

  minMax(x: FloatArray): MinMax;
  absMax(x: FloatArray): number;
  minMaxAxis(x: FloatArray, layout: AxisLayout, outMin: Float64Array, outMax: Float64Array): void;
  minMaxBlocked(x: FloatArray, layout: BlockLayout, outMin: Float64Array, outMax: Float64Array): void;

  pack(q: Int8Array | Uint8Array, bits: 2 | 4, out: Uint8Array): void;
  unpack(packed: Uint8Array, bits: 2 | 4, signed: boolean, out: Int8Array | Uint8Array): void;

  /**
   * Adds the histogram of x over [min, max] (finite, min <= max) to `counts`, one bin per element: with n bins and
   * f = max > min ? n / (max - min) : 0 in float64, every v = x[i] with min <= v <= max adds 1 to
   * counts[min(((v - min) * f) | 0, n - 1)]; NaN and values outside are skipped (calibrate/histogram.ts).
   */
  histogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;
  /** The same for |x| (0 <= min). */
  absHistogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void;
}

const ALL_BITS = Object.freeze([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

const FAKE_QUANT_CHUNK = 4096;
const fakeQuantCodes = new Int32Array(FAKE_QUANT_CHUNK);

/** Reference fake-quantize: the two kernels composed chunk by chunk, with metrics accumulated in float64 in order. */
function referenceFakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): QuantizationErrorReport {
  const s = x instanceof Float32Array ? Math.fround(scale) : scale;
  const sums = newErrorSums();
  for (let start = 0; start < x.length; start += FAKE_QUANT_CHUNK) {
    const end = Math.min(start + FAKE_QUANT_CHUNK, x.length);
    const chunk = x.subarray(start, end);
    quantizeKernels.quantizeRun(chunk, fakeQuantCodes, 0, chunk.length, scale, zeroPoint, spec);
    for (let i = 0; i < chunk.length; i++) {
      out[start + i] = (fakeQuantCodes[i]! - zeroPoint) * s;
      accumulateError(sums, chunk[i]!, out[start + i]!);
    }
  }
  return errorReportOf(sums, x.length);
}

/** The kernel methods of Backend, for code that wraps or spies on every one of them. */
export const BACKEND_KERNELS = Object.freeze([
  'quantizeTensor',
  'quantizeAxis',
  'quantizeBlocked',
  'dequantizeTensor',
  'dequantizeAxis',
  'dequantizeBlocked',
  'fakeQuantizeTensor',
  'minMax',
  'absMax',
  'minMaxAxis',
  'minMaxBlocked',
  'pack',
  'unpack',
  'histogram',
  'absHistogram',
] as const satisfies readonly (keyof Backend)[]);

export const referenceBackend: Backend = Object.freeze({
  name: 'reference',
  isa: 'js',
  version: VERSION,
  threads: 1,
  capabilities: Object.freeze({
    float64: true,
    profiles: Object.freeze(['onnx', 'pytorch'] as const),
    perAxis: true,
    blocked: true,
    bits: ALL_BITS,
    packedBits: Object.freeze([2, 4] as const),
    fakeQuantize: true,
    histogram: true,
  }),
  ...quantizeKernels,
  ...dequantizeKernels,
  ...reduceKernels,
  ...packKernels,
  fakeQuantizeTensor: referenceFakeQuantizeTensor,
  histogram: histogramRun,
  absHistogram: absHistogramRun,
}) as Backend;
