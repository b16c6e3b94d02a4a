import type { HistogramCounts } from './calibrate/histogram.js';
import type { BinaryPrecision, BinaryThreshold, BitOrder, Int8Rounding, ScalarPrecision, ScoreOrder } from './embeddings/types.js';
import type { GgmlFormat } from './ggml/formats.js';
import type { AxisLayout, BlockLayout, FloatArray, HalfDType, IntArray, KernelSpec, MinMax, QuantizationErrorReport, Scheme } from './types.js';

/*
 * The kernel table: the one declaration of quantkit's kernels. Backend, KernelApi and AsyncBackend are derived from
 * KernelSignatures; every wrapper (validation, lazy loading, size routing, async slicing, the native binding,
 * conformance spies) is derived from KERNEL_TABLE. Adding a kernel is: its signature and entry here, the reference
 * loop, the C++ loops, a conformance family.
 */

/** Every kernel's signature. Arguments are validated by the caller; outputs are provided by the caller. */
export interface KernelSignatures {
  quantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void;
  quantizeAxis(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void;
  quantizeBlocked(x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void;
  /**
   * Blocked quantize with parameters from the data: every group's min/max (NaN ignored), its scale and zero point as
   * qparamsFromRanges chooses them for `scheme` (into outScales, in x's precision, and outZeroPoints), then the codes:
   * quantizeBlocked with those parameters, bit for bit. Returns -1, or the first group whose range has no parameters
   * (±Inf in it, or a float64 scale that overflows), where qparamsFromRanges throws; outputs are then unspecified.
   */
  quantizeBlockedMinMax(x: FloatArray, layout: BlockLayout, scheme: Scheme, spec: KernelSpec, outScales: FloatArray, outZeroPoints: Int32Array, out: IntArray): number;

  /** quantizeTensor of half-precision bit patterns of `dtype`, each widened exactly to float32 (SPEC §12). */
  quantizeTensorHalf(x: Uint16Array, dtype: HalfDType, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void;
  /** quantizeAxis / quantizeBlocked of half-precision bit patterns (each widened exactly to float32). */
  quantizeAxisHalf(x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void;
  quantizeBlockedHalf(x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void;

  dequantizeTensor(q: IntArray, scale: number, zeroPoint: number, out: FloatArray): void;
  /** dequantizeTensor into half-precision bit patterns: the exact product (q - zp) * scale rounded once to `dtype`. */
  dequantizeTensorHalf(q: IntArray, scale: number, zeroPoint: number, dtype: HalfDType, out: Uint16Array): void;
  /** dequantizeAxis / dequantizeBlocked into half-precision bit patterns (exact products rounded once to `dtype`). */
  dequantizeAxisHalf(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, dtype: HalfDType, out: Uint16Array): void;
  dequantizeBlockedHalf(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, dtype: HalfDType, out: Uint16Array): void;
  dequantizeAxis(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, out: FloatArray): void;
  dequantizeBlocked(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, out: FloatArray): void;

  /**
   * Quantize then dequantize with one scale, writing the dequantized values to `out` (bit-identical to quantizeTensor
   * followed by dequantizeTensor), and return the error metrics of out against x.
   */
  fakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): QuantizationErrorReport;
  /** fakeQuantizeTensor's values without the metrics (fakeQuantize(x)): one pass per element, no error sums. */
  fakeQuantizeTensorValues(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): void;

  minMax(x: FloatArray): MinMax;
  absMax(x: FloatArray): number;
  /** minMax of half-precision bit patterns of `dtype` (their float32 values). */
  minMaxHalf(x: Uint16Array, dtype: HalfDType): MinMax;
  /** minMaxAxis / minMaxBlocked of half-precision bit patterns. */
  minMaxAxisHalf(x: Uint16Array, dtype: HalfDType, layout: AxisLayout, outMin: Float64Array, outMax: Float64Array): void;
  minMaxBlockedHalf(x: Uint16Array, dtype: HalfDType, layout: BlockLayout, outMin: Float64Array, outMax: Float64Array): void;
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
  /** histogram of half-precision bit patterns of `dtype`: each value binned as its exact float32 widening is. */
  histogramHalf(x: Uint16Array, dtype: HalfDType, min: number, max: number, counts: HistogramCounts): void;
  /** absHistogram of half-precision bit patterns of `dtype` (|x| of each exact float32 widening; 0 <= min). */
  absHistogramHalf(x: Uint16Array, dtype: HalfDType, min: number, max: number, counts: HistogramCounts): void;

  /**
   * GGML blocks of `format` from x (a whole number of blocks, rows end to end) into out, bit-exact with ggml's
   * quantize_row_*_ref (docs/GGML.md). Returns -1, or the index of the first NaN / ±Infinity of x (GGML formats take
   * finite values only; outputs are then unspecified).
   */
  ggmlQuantize(x: Float32Array, format: GgmlFormat, out: Uint8Array): number;
  /**
   * ggmlQuantize of half-precision bit patterns of `dtype`, each widened exactly to float32: the same blocks, and the
   * same -1 or index of the first NaN / ±Infinity, as ggmlQuantize of the widened values.
   */
  ggmlQuantizeHalf(x: Uint16Array, dtype: HalfDType, format: GgmlFormat, out: Uint8Array): number;
  /** The float32 values of whole GGML blocks of `format` (ggml's dequantize_row_*). */
  ggmlDequantize(blocks: Uint8Array, format: GgmlFormat, out: Float32Array): void;

  /*
   * Embeddings (docs/EMBEDDINGS.md): rows of `dim` values end to end. Scans score every row of `rows` against one
   * query, out.length (= rows / dim) scores; src/embeddings/ has the arithmetic.
   */
  /** int8 / uint8 codes of x's rows from per-dimension starts and steps (x, starts and steps of one precision). */
  quantizeEmbeddingRows(x: FloatArray, dim: number, starts: FloatArray, steps: FloatArray, precision: ScalarPrecision, int8Rounding: Int8Rounding, out: Int8Array | Uint8Array): void;
  /** x's rows packed to bits, ceil(dim / 8) bytes a row ('binary': each byte - 128 as an int8). */
  packBinaryRows(x: FloatArray, dim: number, precision: BinaryPrecision, bitOrder: BitOrder, threshold: BinaryThreshold, out: Int8Array | Uint8Array): void;
  /** Hamming distances between packed rows of bytesPerRow bytes and the query. */
  hammingScan(query: Int8Array | Uint8Array, rows: Int8Array | Uint8Array, bytesPerRow: number, out: Uint32Array): void;
  /** Exact integer dot products / squared L2 distances of code rows (stored modulo 2^32: exact for dim <= 65536). */
  dotScanInt8(query: Int8Array, rows: Int8Array, dim: number, out: Int32Array): void;
  dotScanUint8(query: Uint8Array, rows: Uint8Array, dim: number, out: Uint32Array): void;
  l2ScanInt8(query: Int8Array, rows: Int8Array, dim: number, out: Uint32Array): void;
  l2ScanUint8(query: Uint8Array, rows: Uint8Array, dim: number, out: Uint32Array): void;
  /** A float query against code rows dequantized on the fly (starts / steps' precision; int8Rounding for Int8Array rows). */
  dotScanAsymmetric(query: FloatArray, rows: Int8Array | Uint8Array, starts: FloatArray, steps: FloatArray, dim: number, out: Float64Array, int8Rounding: Int8Rounding): void;
  l2ScanAsymmetric(query: FloatArray, rows: Int8Array | Uint8Array, starts: FloatArray, steps: FloatArray, dim: number, out: Float64Array, int8Rounding: Int8Rounding): void;
  /** A float query against float rows (float64 terms in the lane order of score-lanes.ts). */
  dotScanFloat(query: FloatArray, rows: FloatArray, dim: number, out: Float64Array): void;
  l2ScanFloat(query: FloatArray, rows: FloatArray, dim: number, out: Float64Array): void;
  /**
   * topK into `out`: the indices of the min(k, scores.length) best scores, best first ('descending': largest first;
   * 'ascending': smallest first; equal scores by lower index, NaN last, -0 and +0 tie); returns how many it wrote (out
   * is the heap: nothing else is allocated), out.length = min(k, scores.length).
   */
  topKKernel(scores: Float64Array | Int32Array | Uint32Array, k: number, order: ScoreOrder, out: Uint32Array): number;
}

export type KernelName = keyof KernelSignatures;
export type KernelArgs<K extends KernelName> = Parameters<KernelSignatures[K]>;
export type KernelResult<K extends KernelName> = ReturnType<KernelSignatures[K]>;

/** Typed-array parameters: they cross into native code as arrays, in parameter order. */
export type ArrayParam = 'x' | 'q' | 'packed' | 'scales' | 'zeroPoints' | 'out' | 'outMin' | 'outMax' | 'outScales' | 'outZeroPoints' | 'counts' | 'blocks' | 'query' | 'rows' | 'starts' | 'steps' | 'scores';
/**
 * Scalar parameters: they cross into native code in one descriptor. `spec` stands for qmin, qmax and profile;
 * `layout` for outer, dim (channels of an AxisLayout), inner and blockSize; `scheme` is 0 (affine) or 1 (symmetric);
 * `dtype` (the half type of the *Half kernels) is 0 (float16) or 1 (bfloat16); `format` (a GGML format) is its index in GGML_FORMAT_NAMES;
 * the embedding kernels' `dim` / `bytesPerRow` are row lengths, `precision` is 0..3 (int8, uint8, binary, ubinary),
 * `int8Rounding` 0 (floor) or 1 (toward-zero), `bitOrder` 0 (msb) or 1 (lsb), `threshold` 0 (positive) or 1 (nonnegative);
 * topKKernel's `k` is a count and `order` 0 (ascending) or 1 (descending).
 */
export type ScalarParam =
  | 'scale' | 'zeroPoint' | 'spec' | 'layout' | 'bits' | 'signed' | 'min' | 'max' | 'scheme' | 'dtype' | 'format'
  | 'dim' | 'bytesPerRow' | 'precision' | 'int8Rounding' | 'bitOrder' | 'threshold' | 'k' | 'order';
export type KernelParam = ArrayParam | ScalarParam;

/**
 * Which part of the work a routed call goes by: the element count of one array argument compared with the threshold
 * of the kernel's operation (packages/quant's ROUTING_THRESHOLDS).
 */
export type KernelOperation = 'quantize' | 'dequantize' | 'fakeQuantize' | 'minMax' | 'absMax' | 'pack' | 'unpack' | 'histogram' | 'ggml' | 'embeddings';

/** How a kernel's scalar result is returned (native code writes it into the descriptor). */
export type KernelReturn = 'none' | 'minMax' | 'absMax' | 'errorReport' | 'badGroup' | 'badIndex' | 'count';

/**
 * What a call needs of a backend besides its granularity (backend.ts supports() reads BackendCapabilities for it):
 * quantize: x's precision, the profile and the spec's width; dequantize: out's precision; floats: x's precision;
 * fakeQuantize and histogram: that capability and x's precision; packed: the bit width; ggml: capabilities.ggml;
 * embeddings: capabilities.embeddings listing the precision of every float array among x, query, rows, starts, steps.
 */
export type KernelNeed = 'quantize' | 'dequantize' | 'fakeQuantize' | 'floats' | 'histogram' | 'packed' | 'ggml' | 'embeddings';

/** One parameter name per element of an argument tuple. */
type ParamNames<T extends readonly unknown[]> = { readonly [I in keyof T]: KernelParam };

export interface KernelInfo<K extends KernelName = KernelName> {
  readonly name: K;
  readonly operation: KernelOperation;
  /** Parameter names in order, one per argument of the signature. */
  readonly params: ParamNames<KernelArgs<K>>;
  /** Typed arrays read and written (outputs are caller-provided; inputs are never written). */
  readonly inputs: readonly ArrayParam[];
  readonly outputs: readonly ArrayParam[];
  /** The array whose length is the call's element count (routing, async slicing). */
  readonly count: ArrayParam;
  /** The granularity a call needs the backend to support ('tensor' needs nothing beyond the basics). */
  readonly granularity: 'tensor' | 'axis' | 'blocked';
  /** The capability a call needs besides its granularity. */
  readonly needs: KernelNeed;
  readonly returns: KernelReturn;
}

type Table = { readonly [K in KernelName]: KernelInfo<K> };

const QUANTIZE_INPUTS = ['x', 'scales', 'zeroPoints'] as const;
const DEQUANTIZE_INPUTS = ['q', 'scales', 'zeroPoints'] as const;
const SCAN_INPUTS = ['query', 'rows'] as const;
/** The parameters of the integer and float scans: query, rows, row length, scores. */
const SCAN_PARAMS = ['query', 'rows', 'dim', 'out'] as const;
const ASYMMETRIC_SCAN = ['query', 'rows', 'starts', 'steps', 'dim', 'out', 'int8Rounding'] as const;

/** The kernels, in the order every list of them is shown. */
export const KERNEL_TABLE: Table = Object.freeze({
  quantizeTensor: { name: 'quantizeTensor', operation: 'quantize', params: ['x', 'scale', 'zeroPoint', 'spec', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'quantize', returns: 'none' },
  quantizeAxis: { name: 'quantizeAxis', operation: 'quantize', params: ['x', 'scales', 'zeroPoints', 'layout', 'spec', 'out'], inputs: QUANTIZE_INPUTS, outputs: ['out'], count: 'x', granularity: 'axis', needs: 'quantize', returns: 'none' },
  quantizeBlocked: { name: 'quantizeBlocked', operation: 'quantize', params: ['x', 'scales', 'zeroPoints', 'layout', 'spec', 'out'], inputs: QUANTIZE_INPUTS, outputs: ['out'], count: 'x', granularity: 'blocked', needs: 'quantize', returns: 'none' },
  quantizeBlockedMinMax: { name: 'quantizeBlockedMinMax', operation: 'quantize', params: ['x', 'layout', 'scheme', 'spec', 'outScales', 'outZeroPoints', 'out'], inputs: ['x'], outputs: ['outScales', 'outZeroPoints', 'out'], count: 'x', granularity: 'blocked', needs: 'quantize', returns: 'badGroup' },
  quantizeTensorHalf: { name: 'quantizeTensorHalf', operation: 'quantize', params: ['x', 'dtype', 'scale', 'zeroPoint', 'spec', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'quantize', returns: 'none' },
  quantizeAxisHalf: { name: 'quantizeAxisHalf', operation: 'quantize', params: ['x', 'dtype', 'scales', 'zeroPoints', 'layout', 'spec', 'out'], inputs: QUANTIZE_INPUTS, outputs: ['out'], count: 'x', granularity: 'axis', needs: 'quantize', returns: 'none' },
  quantizeBlockedHalf: { name: 'quantizeBlockedHalf', operation: 'quantize', params: ['x', 'dtype', 'scales', 'zeroPoints', 'layout', 'spec', 'out'], inputs: QUANTIZE_INPUTS, outputs: ['out'], count: 'x', granularity: 'blocked', needs: 'quantize', returns: 'none' },
  dequantizeTensor: { name: 'dequantizeTensor', operation: 'dequantize', params: ['q', 'scale', 'zeroPoint', 'out'], inputs: ['q'], outputs: ['out'], count: 'q', granularity: 'tensor', needs: 'dequantize', returns: 'none' },
  dequantizeTensorHalf: { name: 'dequantizeTensorHalf', operation: 'dequantize', params: ['q', 'scale', 'zeroPoint', 'dtype', 'out'], inputs: ['q'], outputs: ['out'], count: 'q', granularity: 'tensor', needs: 'dequantize', returns: 'none' },
  dequantizeAxisHalf: { name: 'dequantizeAxisHalf', operation: 'dequantize', params: ['q', 'scales', 'zeroPoints', 'layout', 'dtype', 'out'], inputs: DEQUANTIZE_INPUTS, outputs: ['out'], count: 'q', granularity: 'axis', needs: 'dequantize', returns: 'none' },
  dequantizeBlockedHalf: { name: 'dequantizeBlockedHalf', operation: 'dequantize', params: ['q', 'scales', 'zeroPoints', 'layout', 'dtype', 'out'], inputs: DEQUANTIZE_INPUTS, outputs: ['out'], count: 'q', granularity: 'blocked', needs: 'dequantize', returns: 'none' },
  dequantizeAxis: { name: 'dequantizeAxis', operation: 'dequantize', params: ['q', 'scales', 'zeroPoints', 'layout', 'out'], inputs: DEQUANTIZE_INPUTS, outputs: ['out'], count: 'q', granularity: 'axis', needs: 'dequantize', returns: 'none' },
  dequantizeBlocked: { name: 'dequantizeBlocked', operation: 'dequantize', params: ['q', 'scales', 'zeroPoints', 'layout', 'out'], inputs: DEQUANTIZE_INPUTS, outputs: ['out'], count: 'q', granularity: 'blocked', needs: 'dequantize', returns: 'none' },
  fakeQuantizeTensor: { name: 'fakeQuantizeTensor', operation: 'fakeQuantize', params: ['x', 'scale', 'zeroPoint', 'spec', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'fakeQuantize', returns: 'errorReport' },
  fakeQuantizeTensorValues: { name: 'fakeQuantizeTensorValues', operation: 'fakeQuantize', params: ['x', 'scale', 'zeroPoint', 'spec', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'fakeQuantize', returns: 'none' },
  minMax: { name: 'minMax', operation: 'minMax', params: ['x'], inputs: ['x'], outputs: [], count: 'x', granularity: 'tensor', needs: 'floats', returns: 'minMax' },
  absMax: { name: 'absMax', operation: 'absMax', params: ['x'], inputs: ['x'], outputs: [], count: 'x', granularity: 'tensor', needs: 'floats', returns: 'absMax' },
  minMaxHalf: { name: 'minMaxHalf', operation: 'minMax', params: ['x', 'dtype'], inputs: ['x'], outputs: [], count: 'x', granularity: 'tensor', needs: 'floats', returns: 'minMax' },
  minMaxAxisHalf: { name: 'minMaxAxisHalf', operation: 'minMax', params: ['x', 'dtype', 'layout', 'outMin', 'outMax'], inputs: ['x'], outputs: ['outMin', 'outMax'], count: 'x', granularity: 'axis', needs: 'floats', returns: 'none' },
  minMaxBlockedHalf: { name: 'minMaxBlockedHalf', operation: 'minMax', params: ['x', 'dtype', 'layout', 'outMin', 'outMax'], inputs: ['x'], outputs: ['outMin', 'outMax'], count: 'x', granularity: 'blocked', needs: 'floats', returns: 'none' },
  minMaxAxis: { name: 'minMaxAxis', operation: 'minMax', params: ['x', 'layout', 'outMin', 'outMax'], inputs: ['x'], outputs: ['outMin', 'outMax'], count: 'x', granularity: 'axis', needs: 'floats', returns: 'none' },
  minMaxBlocked: { name: 'minMaxBlocked', operation: 'minMax', params: ['x', 'layout', 'outMin', 'outMax'], inputs: ['x'], outputs: ['outMin', 'outMax'], count: 'x', granularity: 'blocked', needs: 'floats', returns: 'none' },
  pack: { name: 'pack', operation: 'pack', params: ['q', 'bits', 'out'], inputs: ['q'], outputs: ['out'], count: 'q', granularity: 'tensor', needs: 'packed', returns: 'none' },
  unpack: { name: 'unpack', operation: 'unpack', params: ['packed', 'bits', 'signed', 'out'], inputs: ['packed'], outputs: ['out'], count: 'out', granularity: 'tensor', needs: 'packed', returns: 'none' },
  histogram: { name: 'histogram', operation: 'histogram', params: ['x', 'min', 'max', 'counts'], inputs: ['x'], outputs: ['counts'], count: 'x', granularity: 'tensor', needs: 'histogram', returns: 'none' },
  absHistogram: { name: 'absHistogram', operation: 'histogram', params: ['x', 'min', 'max', 'counts'], inputs: ['x'], outputs: ['counts'], count: 'x', granularity: 'tensor', needs: 'histogram', returns: 'none' },
  histogramHalf: { name: 'histogramHalf', operation: 'histogram', params: ['x', 'dtype', 'min', 'max', 'counts'], inputs: ['x'], outputs: ['counts'], count: 'x', granularity: 'tensor', needs: 'histogram', returns: 'none' },
  absHistogramHalf: { name: 'absHistogramHalf', operation: 'histogram', params: ['x', 'dtype', 'min', 'max', 'counts'], inputs: ['x'], outputs: ['counts'], count: 'x', granularity: 'tensor', needs: 'histogram', returns: 'none' },
  ggmlQuantize: { name: 'ggmlQuantize', operation: 'ggml', params: ['x', 'format', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'ggml', returns: 'badIndex' },
  ggmlQuantizeHalf: { name: 'ggmlQuantizeHalf', operation: 'ggml', params: ['x', 'dtype', 'format', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', granularity: 'tensor', needs: 'ggml', returns: 'badIndex' },
  ggmlDequantize: { name: 'ggmlDequantize', operation: 'ggml', params: ['blocks', 'format', 'out'], inputs: ['blocks'], outputs: ['out'], count: 'out', granularity: 'tensor', needs: 'ggml', returns: 'none' },
  quantizeEmbeddingRows: { name: 'quantizeEmbeddingRows', params: ['x', 'dim', 'starts', 'steps', 'precision', 'int8Rounding', 'out'], inputs: ['x', 'starts', 'steps'], outputs: ['out'], count: 'x', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  packBinaryRows: { name: 'packBinaryRows', params: ['x', 'dim', 'precision', 'bitOrder', 'threshold', 'out'], inputs: ['x'], outputs: ['out'], count: 'x', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  hammingScan: { name: 'hammingScan', params: ['query', 'rows', 'bytesPerRow', 'out'], inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  dotScanInt8: { name: 'dotScanInt8', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  dotScanUint8: { name: 'dotScanUint8', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  l2ScanInt8: { name: 'l2ScanInt8', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  l2ScanUint8: { name: 'l2ScanUint8', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  dotScanAsymmetric: { name: 'dotScanAsymmetric', params: ASYMMETRIC_SCAN, inputs: ['query', 'rows', 'starts', 'steps'], outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  l2ScanAsymmetric: { name: 'l2ScanAsymmetric', params: ASYMMETRIC_SCAN, inputs: ['query', 'rows', 'starts', 'steps'], outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  dotScanFloat: { name: 'dotScanFloat', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  l2ScanFloat: { name: 'l2ScanFloat', params: SCAN_PARAMS, inputs: SCAN_INPUTS, outputs: ['out'], count: 'rows', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'none' },
  topKKernel: { name: 'topKKernel', params: ['scores', 'k', 'order', 'out'], inputs: ['scores'], outputs: ['out'], count: 'scores', operation: 'embeddings', granularity: 'tensor', needs: 'embeddings', returns: 'count' },
} satisfies Table);

/** Every kernel name, in table order. */
export const KERNEL_NAMES: readonly KernelName[] = Object.freeze(Object.keys(KERNEL_TABLE) as KernelName[]);

/** The kernel methods of Backend (KERNEL_NAMES under its historical name). */
export const BACKEND_KERNELS = KERNEL_NAMES;

/** The arrays a kernel takes, in parameter order (the order they cross into native code). */
export function arrayParamsOf(name: KernelName): readonly ArrayParam[] {
  return (KERNEL_TABLE[name].params as readonly KernelParam[]).filter(isArrayParam);
}

const ARRAY_PARAMS: ReadonlySet<string> = new Set<ArrayParam>(['x', 'q', 'packed', 'scales', 'zeroPoints', 'out', 'outMin', 'outMax', 'outScales', 'outZeroPoints', 'counts', 'blocks', 'query', 'rows', 'starts', 'steps', 'scores']);

export function isArrayParam(p: KernelParam): p is ArrayParam {
  return ARRAY_PARAMS.has(p);
}

/** The position of the array whose length is the call's element count. */
export function countIndexOf(name: KernelName): number {
  const info = KERNEL_TABLE[name];
  return (info.params as readonly KernelParam[]).indexOf(info.count);
}

/** An object with every kernel, each made by `make(name)` (how wrappers are derived from the table). */
export function kernelsOf(make: <K extends KernelName>(name: K) => KernelSignatures[K]): KernelSignatures {
  const kernels: Partial<Record<KernelName, unknown>> = {};
  for (const name of KERNEL_NAMES) kernels[name] = make(name);
  return Object.freeze(kernels) as KernelSignatures;
}

/** Kernels that forward every call to `get()`'s, calling `get` on each call (so nothing loads before the first one). */
export function deferredKernels(get: () => KernelSignatures): KernelSignatures {
  return kernelsOf(
    (name) =>
      ((...args: unknown[]) => (get()[name] as (...a: unknown[]) => unknown)(...args)) as KernelSignatures[typeof name],
  );
}
