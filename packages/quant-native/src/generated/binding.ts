// GENERATED FILE - DO NOT EDIT. Made by scripts/generate-binding.mjs from @quantkit/quant-core's KERNEL_TABLE
// (run `pnpm --filter @quantkit/quant-native generate` after changing the table; a test fails while this is stale).
// Each kernel writes its scalar parameters into the descriptor d at the slots the addon declares, and passes its
// arrays in the table's order, then d's bytes (docs: src/marshal.ts).
import { errorReportOf, GGML_FORMAT_NAMES, type AsyncKernels, type AsyncOptions, type KernelArgs, type KernelSignatures } from '@quantkit/quant-core';
import type { NativeEngine } from '../addon.js';

type Args<K extends keyof KernelSignatures> = KernelArgs<K>;

/** Every descriptor slot the kernels below write or read. */
export const USED_SLOTS = ['absMax', 'badGroup', 'badIndex', 'bitOrder', 'bits', 'blockSize', 'bytesPerRow', 'dim', 'dot', 'format', 'half', 'inner', 'int8Rounding', 'k', 'max', 'maxAbs', 'min', 'order', 'outer', 'precision', 'profile', 'qmax', 'qmin', 'resultCount', 'scale', 'scheme', 'signed', 'sumAbs', 'sumApprox2', 'sumRef2', 'sumSq', 'threshold', 'zeroPoint'] as const;

/**
 * The index of every used slot in the loaded addon's descriptor. A class with every field set in its constructor, so
 * V8 keeps the object's properties fast (a plain object filled key by key turns into a dictionary past a dozen keys,
 * and every S.slot load on the hot path would then go through a dictionary lookup).
 */
export class SlotIndices {
  readonly absMax: number;
  readonly badGroup: number;
  readonly badIndex: number;
  readonly bitOrder: number;
  readonly bits: number;
  readonly blockSize: number;
  readonly bytesPerRow: number;
  readonly dim: number;
  readonly dot: number;
  readonly format: number;
  readonly half: number;
  readonly inner: number;
  readonly int8Rounding: number;
  readonly k: number;
  readonly max: number;
  readonly maxAbs: number;
  readonly min: number;
  readonly order: number;
  readonly outer: number;
  readonly precision: number;
  readonly profile: number;
  readonly qmax: number;
  readonly qmin: number;
  readonly resultCount: number;
  readonly scale: number;
  readonly scheme: number;
  readonly signed: number;
  readonly sumAbs: number;
  readonly sumApprox2: number;
  readonly sumRef2: number;
  readonly sumSq: number;
  readonly threshold: number;
  readonly zeroPoint: number;

  constructor(indexOf: (slot: (typeof USED_SLOTS)[number]) => number) {
    this.absMax = indexOf('absMax');
    this.badGroup = indexOf('badGroup');
    this.badIndex = indexOf('badIndex');
    this.bitOrder = indexOf('bitOrder');
    this.bits = indexOf('bits');
    this.blockSize = indexOf('blockSize');
    this.bytesPerRow = indexOf('bytesPerRow');
    this.dim = indexOf('dim');
    this.dot = indexOf('dot');
    this.format = indexOf('format');
    this.half = indexOf('half');
    this.inner = indexOf('inner');
    this.int8Rounding = indexOf('int8Rounding');
    this.k = indexOf('k');
    this.max = indexOf('max');
    this.maxAbs = indexOf('maxAbs');
    this.min = indexOf('min');
    this.order = indexOf('order');
    this.outer = indexOf('outer');
    this.precision = indexOf('precision');
    this.profile = indexOf('profile');
    this.qmax = indexOf('qmax');
    this.qmin = indexOf('qmin');
    this.resultCount = indexOf('resultCount');
    this.scale = indexOf('scale');
    this.scheme = indexOf('scheme');
    this.signed = indexOf('signed');
    this.sumAbs = indexOf('sumAbs');
    this.sumApprox2 = indexOf('sumApprox2');
    this.sumRef2 = indexOf('sumRef2');
    this.sumSq = indexOf('sumSq');
    this.threshold = indexOf('threshold');
    this.zeroPoint = indexOf('zeroPoint');
  }
}

function writeScaleZeroPoint(d: Float64Array, S: SlotIndices, scale: Args<'quantizeTensor'>[1], zeroPoint: Args<'quantizeTensor'>[2]): void {
  d[S.scale] = scale;
  d[S.zeroPoint] = zeroPoint;
}

function writeSpec(d: Float64Array, S: SlotIndices, spec: Args<'quantizeTensor'>[3]): void {
  d[S.qmin] = spec.qmin;
  d[S.qmax] = spec.qmax;
  d[S.profile] = spec.profile === 'pytorch' ? 1 : 0;
}

function writeAxisLayout(d: Float64Array, S: SlotIndices, layout: Args<'quantizeAxis'>[3]): void {
  d[S.outer] = layout.outer;
  d[S.dim] = layout.channels;
  d[S.inner] = layout.inner;
}

function writeBlockedLayout(d: Float64Array, S: SlotIndices, layout: Args<'quantizeBlocked'>[3]): void {
  d[S.outer] = layout.outer;
  d[S.dim] = layout.dim;
  d[S.inner] = layout.inner;
  d[S.blockSize] = layout.blockSize;
}

function writeDtypeScaleZeroPoint(d: Float64Array, S: SlotIndices, dtype: Args<'quantizeTensorHalf'>[1], scale: Args<'quantizeTensorHalf'>[2], zeroPoint: Args<'quantizeTensorHalf'>[3]): void {
  d[S.half] = dtype === 'bfloat16' ? 1 : 0;
  d[S.scale] = scale;
  d[S.zeroPoint] = zeroPoint;
}

function writeScaleZeroPointDtype(d: Float64Array, S: SlotIndices, scale: Args<'dequantizeTensorHalf'>[1], zeroPoint: Args<'dequantizeTensorHalf'>[2], dtype: Args<'dequantizeTensorHalf'>[3]): void {
  d[S.scale] = scale;
  d[S.zeroPoint] = zeroPoint;
  d[S.half] = dtype === 'bfloat16' ? 1 : 0;
}

function writeBitsSigned(d: Float64Array, S: SlotIndices, bits: Args<'unpack'>[1], signed: Args<'unpack'>[2]): void {
  d[S.bits] = bits;
  d[S.signed] = signed ? 1 : 0;
}

function writeMinMax(d: Float64Array, S: SlotIndices, min: Args<'histogram'>[1], max: Args<'histogram'>[2]): void {
  d[S.min] = min;
  d[S.max] = max;
}

function writeDtypeMinMax(d: Float64Array, S: SlotIndices, dtype: Args<'histogramHalf'>[1], min: Args<'histogramHalf'>[2], max: Args<'histogramHalf'>[3]): void {
  d[S.half] = dtype === 'bfloat16' ? 1 : 0;
  d[S.min] = min;
  d[S.max] = max;
}

function writeDtypeFormat(d: Float64Array, S: SlotIndices, dtype: Args<'ggmlQuantizeHalf'>[1], format: Args<'ggmlQuantizeHalf'>[2]): void {
  d[S.half] = dtype === 'bfloat16' ? 1 : 0;
  d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
}

function writeDimPrecisionInt8Rounding(d: Float64Array, S: SlotIndices, dim: Args<'quantizeEmbeddingRows'>[1], precision: Args<'quantizeEmbeddingRows'>[4], int8Rounding: Args<'quantizeEmbeddingRows'>[5]): void {
  d[S.dim] = dim;
  d[S.precision] = precision === 'int8' ? 0 : 1;
  d[S.int8Rounding] = int8Rounding === 'toward-zero' ? 1 : 0;
}

function writeDimPrecisionBitOrderThreshold(d: Float64Array, S: SlotIndices, dim: Args<'packBinaryRows'>[1], precision: Args<'packBinaryRows'>[2], bitOrder: Args<'packBinaryRows'>[3], threshold: Args<'packBinaryRows'>[4]): void {
  d[S.dim] = dim;
  d[S.precision] = precision === 'binary' ? 2 : 3;
  d[S.bitOrder] = bitOrder === 'lsb' ? 1 : 0;
  d[S.threshold] = threshold === 'nonnegative' ? 1 : 0;
}

function writeDimInt8Rounding(d: Float64Array, S: SlotIndices, dim: Args<'dotScanAsymmetric'>[4], int8Rounding: Args<'dotScanAsymmetric'>[6]): void {
  d[S.dim] = dim;
  d[S.int8Rounding] = int8Rounding === 'toward-zero' ? 1 : 0;
}

function writeKOrder(d: Float64Array, S: SlotIndices, k: Args<'topKKernel'>[1], order: Args<'topKKernel'>[2]): void {
  d[S.k] = k;
  d[S.order] = order === 'descending' ? 1 : 0;
}

/** The sync kernels of engine e; one descriptor d serves them all (JavaScript runs one call at a time). */
export function syncKernels(e: NativeEngine, d: Float64Array, S: SlotIndices): KernelSignatures {
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return {
    quantizeTensor(x, scale, zeroPoint, spec, out) {
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      e.quantizeTensor(x, out, bytes);
    },
    quantizeAxis(x, scales, zeroPoints, layout, spec, out) {
      writeAxisLayout(d, S, layout);
      writeSpec(d, S, spec);
      e.quantizeAxis(x, scales, zeroPoints, out, bytes);
    },
    quantizeBlocked(x, scales, zeroPoints, layout, spec, out) {
      writeBlockedLayout(d, S, layout);
      writeSpec(d, S, spec);
      e.quantizeBlocked(x, scales, zeroPoints, out, bytes);
    },
    quantizeBlockedMinMax(x, layout, scheme, spec, outScales, outZeroPoints, out) {
      writeBlockedLayout(d, S, layout);
      d[S.scheme] = scheme === 'symmetric' ? 1 : 0;
      writeSpec(d, S, spec);
      e.quantizeBlockedMinMax(x, outScales, outZeroPoints, out, bytes);
      return d[S.badGroup]!;
    },
    quantizeTensorHalf(x, dtype, scale, zeroPoint, spec, out) {
      writeDtypeScaleZeroPoint(d, S, dtype, scale, zeroPoint);
      writeSpec(d, S, spec);
      e.quantizeTensorHalf(x, out, bytes);
    },
    quantizeAxisHalf(x, dtype, scales, zeroPoints, layout, spec, out) {
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeAxisLayout(d, S, layout);
      writeSpec(d, S, spec);
      e.quantizeAxisHalf(x, scales, zeroPoints, out, bytes);
    },
    quantizeBlockedHalf(x, dtype, scales, zeroPoints, layout, spec, out) {
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeBlockedLayout(d, S, layout);
      writeSpec(d, S, spec);
      e.quantizeBlockedHalf(x, scales, zeroPoints, out, bytes);
    },
    dequantizeTensor(q, scale, zeroPoint, out) {
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      e.dequantizeTensor(q, out, bytes);
    },
    dequantizeTensorHalf(q, scale, zeroPoint, dtype, out) {
      writeScaleZeroPointDtype(d, S, scale, zeroPoint, dtype);
      e.dequantizeTensorHalf(q, out, bytes);
    },
    dequantizeAxisHalf(q, scales, zeroPoints, layout, dtype, out) {
      writeAxisLayout(d, S, layout);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      e.dequantizeAxisHalf(q, scales, zeroPoints, out, bytes);
    },
    dequantizeBlockedHalf(q, scales, zeroPoints, layout, dtype, out) {
      writeBlockedLayout(d, S, layout);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      e.dequantizeBlockedHalf(q, scales, zeroPoints, out, bytes);
    },
    dequantizeAxis(q, scales, zeroPoints, layout, out) {
      writeAxisLayout(d, S, layout);
      e.dequantizeAxis(q, scales, zeroPoints, out, bytes);
    },
    dequantizeBlocked(q, scales, zeroPoints, layout, out) {
      writeBlockedLayout(d, S, layout);
      e.dequantizeBlocked(q, scales, zeroPoints, out, bytes);
    },
    fakeQuantizeTensor(x, scale, zeroPoint, spec, out) {
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      e.fakeQuantizeTensor(x, out, bytes);
      return errorReportOf({ sumSq: d[S.sumSq]!, sumAbs: d[S.sumAbs]!, maxAbs: d[S.maxAbs]!, sumRef2: d[S.sumRef2]!, sumApprox2: d[S.sumApprox2]!, dot: d[S.dot]! }, x.length);
    },
    fakeQuantizeTensorValues(x, scale, zeroPoint, spec, out) {
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      e.fakeQuantizeTensorValues(x, out, bytes);
    },
    minMax(x) {
      e.minMax(x, bytes);
      return { min: d[S.min]!, max: d[S.max]! };
    },
    absMax(x) {
      e.absMax(x, bytes);
      return d[S.absMax]!;
    },
    minMaxHalf(x, dtype) {
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      e.minMaxHalf(x, bytes);
      return { min: d[S.min]!, max: d[S.max]! };
    },
    minMaxAxisHalf(x, dtype, layout, outMin, outMax) {
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeAxisLayout(d, S, layout);
      e.minMaxAxisHalf(x, outMin, outMax, bytes);
    },
    minMaxBlockedHalf(x, dtype, layout, outMin, outMax) {
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeBlockedLayout(d, S, layout);
      e.minMaxBlockedHalf(x, outMin, outMax, bytes);
    },
    minMaxAxis(x, layout, outMin, outMax) {
      writeAxisLayout(d, S, layout);
      e.minMaxAxis(x, outMin, outMax, bytes);
    },
    minMaxBlocked(x, layout, outMin, outMax) {
      writeBlockedLayout(d, S, layout);
      e.minMaxBlocked(x, outMin, outMax, bytes);
    },
    pack(q, bits, out) {
      d[S.bits] = bits;
      e.pack(q, out, bytes);
    },
    unpack(packed, bits, signed, out) {
      writeBitsSigned(d, S, bits, signed);
      e.unpack(packed, out, bytes);
    },
    histogram(x, min, max, counts) {
      writeMinMax(d, S, min, max);
      e.histogram(x, counts, bytes);
    },
    absHistogram(x, min, max, counts) {
      writeMinMax(d, S, min, max);
      e.absHistogram(x, counts, bytes);
    },
    histogramHalf(x, dtype, min, max, counts) {
      writeDtypeMinMax(d, S, dtype, min, max);
      e.histogramHalf(x, counts, bytes);
    },
    absHistogramHalf(x, dtype, min, max, counts) {
      writeDtypeMinMax(d, S, dtype, min, max);
      e.absHistogramHalf(x, counts, bytes);
    },
    ggmlQuantize(x, format, out) {
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      e.ggmlQuantize(x, out, bytes);
      return d[S.badIndex]!;
    },
    ggmlQuantizeHalf(x, dtype, format, out) {
      writeDtypeFormat(d, S, dtype, format);
      e.ggmlQuantizeHalf(x, out, bytes);
      return d[S.badIndex]!;
    },
    ggmlDequantize(blocks, format, out) {
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      e.ggmlDequantize(blocks, out, bytes);
    },
    quantizeEmbeddingRows(x, dim, starts, steps, precision, int8Rounding, out) {
      writeDimPrecisionInt8Rounding(d, S, dim, precision, int8Rounding);
      e.quantizeEmbeddingRows(x, starts, steps, out, bytes);
    },
    packBinaryRows(x, dim, precision, bitOrder, threshold, out) {
      writeDimPrecisionBitOrderThreshold(d, S, dim, precision, bitOrder, threshold);
      e.packBinaryRows(x, out, bytes);
    },
    hammingScan(query, rows, bytesPerRow, out) {
      d[S.bytesPerRow] = bytesPerRow;
      e.hammingScan(query, rows, out, bytes);
    },
    dotScanInt8(query, rows, dim, out) {
      d[S.dim] = dim;
      e.dotScanInt8(query, rows, out, bytes);
    },
    dotScanUint8(query, rows, dim, out) {
      d[S.dim] = dim;
      e.dotScanUint8(query, rows, out, bytes);
    },
    l2ScanInt8(query, rows, dim, out) {
      d[S.dim] = dim;
      e.l2ScanInt8(query, rows, out, bytes);
    },
    l2ScanUint8(query, rows, dim, out) {
      d[S.dim] = dim;
      e.l2ScanUint8(query, rows, out, bytes);
    },
    dotScanAsymmetric(query, rows, starts, steps, dim, out, int8Rounding) {
      writeDimInt8Rounding(d, S, dim, int8Rounding);
      e.dotScanAsymmetric(query, rows, starts, steps, out, bytes);
    },
    l2ScanAsymmetric(query, rows, starts, steps, dim, out, int8Rounding) {
      writeDimInt8Rounding(d, S, dim, int8Rounding);
      e.l2ScanAsymmetric(query, rows, starts, steps, out, bytes);
    },
    dotScanFloat(query, rows, dim, out) {
      d[S.dim] = dim;
      e.dotScanFloat(query, rows, out, bytes);
    },
    l2ScanFloat(query, rows, dim, out) {
      d[S.dim] = dim;
      e.l2ScanFloat(query, rows, out, bytes);
    },
    topKKernel(scores, k, order, out) {
      writeKOrder(d, S, k, order);
      e.topKKernel(scores, out, bytes);
      return d[S.resultCount]!;
    },
  };
}

/** Runs one async addon call with the cancel flag of options' signal (backend.ts). */
export type RunAsync = (options: AsyncOptions | undefined, start: (cancel: Int32Array | undefined) => Promise<void>) => Promise<void>;

/** The async kernels of engine e; every call gets its own descriptor of `size` slots. */
export function asyncKernels(e: NativeEngine, size: number, S: SlotIndices, run: RunAsync): AsyncKernels {
  return {
    async quantizeTensorAsync(x, scale, zeroPoint, spec, out, options) {
      const d = new Float64Array(size);
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeTensorAsync(x, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeAxisAsync(x, scales, zeroPoints, layout, spec, out, options) {
      const d = new Float64Array(size);
      writeAxisLayout(d, S, layout);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeAxisAsync(x, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeBlockedAsync(x, scales, zeroPoints, layout, spec, out, options) {
      const d = new Float64Array(size);
      writeBlockedLayout(d, S, layout);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeBlockedAsync(x, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeBlockedMinMaxAsync(x, layout, scheme, spec, outScales, outZeroPoints, out, options) {
      const d = new Float64Array(size);
      writeBlockedLayout(d, S, layout);
      d[S.scheme] = scheme === 'symmetric' ? 1 : 0;
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeBlockedMinMaxAsync(x, outScales, outZeroPoints, out, new Uint8Array(d.buffer), cancel));
      return d[S.badGroup]!;
    },
    async quantizeTensorHalfAsync(x, dtype, scale, zeroPoint, spec, out, options) {
      const d = new Float64Array(size);
      writeDtypeScaleZeroPoint(d, S, dtype, scale, zeroPoint);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeTensorHalfAsync(x, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeAxisHalfAsync(x, dtype, scales, zeroPoints, layout, spec, out, options) {
      const d = new Float64Array(size);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeAxisLayout(d, S, layout);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeAxisHalfAsync(x, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeBlockedHalfAsync(x, dtype, scales, zeroPoints, layout, spec, out, options) {
      const d = new Float64Array(size);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeBlockedLayout(d, S, layout);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.quantizeBlockedHalfAsync(x, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeTensorAsync(q, scale, zeroPoint, out, options) {
      const d = new Float64Array(size);
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      await run(options, (cancel) => e.dequantizeTensorAsync(q, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeTensorHalfAsync(q, scale, zeroPoint, dtype, out, options) {
      const d = new Float64Array(size);
      writeScaleZeroPointDtype(d, S, scale, zeroPoint, dtype);
      await run(options, (cancel) => e.dequantizeTensorHalfAsync(q, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeAxisHalfAsync(q, scales, zeroPoints, layout, dtype, out, options) {
      const d = new Float64Array(size);
      writeAxisLayout(d, S, layout);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      await run(options, (cancel) => e.dequantizeAxisHalfAsync(q, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeBlockedHalfAsync(q, scales, zeroPoints, layout, dtype, out, options) {
      const d = new Float64Array(size);
      writeBlockedLayout(d, S, layout);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      await run(options, (cancel) => e.dequantizeBlockedHalfAsync(q, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeAxisAsync(q, scales, zeroPoints, layout, out, options) {
      const d = new Float64Array(size);
      writeAxisLayout(d, S, layout);
      await run(options, (cancel) => e.dequantizeAxisAsync(q, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async dequantizeBlockedAsync(q, scales, zeroPoints, layout, out, options) {
      const d = new Float64Array(size);
      writeBlockedLayout(d, S, layout);
      await run(options, (cancel) => e.dequantizeBlockedAsync(q, scales, zeroPoints, out, new Uint8Array(d.buffer), cancel));
    },
    async fakeQuantizeTensorAsync(x, scale, zeroPoint, spec, out, options) {
      const d = new Float64Array(size);
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.fakeQuantizeTensorAsync(x, out, new Uint8Array(d.buffer), cancel));
      return errorReportOf({ sumSq: d[S.sumSq]!, sumAbs: d[S.sumAbs]!, maxAbs: d[S.maxAbs]!, sumRef2: d[S.sumRef2]!, sumApprox2: d[S.sumApprox2]!, dot: d[S.dot]! }, x.length);
    },
    async fakeQuantizeTensorValuesAsync(x, scale, zeroPoint, spec, out, options) {
      const d = new Float64Array(size);
      writeScaleZeroPoint(d, S, scale, zeroPoint);
      writeSpec(d, S, spec);
      await run(options, (cancel) => e.fakeQuantizeTensorValuesAsync(x, out, new Uint8Array(d.buffer), cancel));
    },
    async minMaxAsync(x, options) {
      const d = new Float64Array(size);
      await run(options, (cancel) => e.minMaxAsync(x, new Uint8Array(d.buffer), cancel));
      return { min: d[S.min]!, max: d[S.max]! };
    },
    async absMaxAsync(x, options) {
      const d = new Float64Array(size);
      await run(options, (cancel) => e.absMaxAsync(x, new Uint8Array(d.buffer), cancel));
      return d[S.absMax]!;
    },
    async minMaxHalfAsync(x, dtype, options) {
      const d = new Float64Array(size);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      await run(options, (cancel) => e.minMaxHalfAsync(x, new Uint8Array(d.buffer), cancel));
      return { min: d[S.min]!, max: d[S.max]! };
    },
    async minMaxAxisHalfAsync(x, dtype, layout, outMin, outMax, options) {
      const d = new Float64Array(size);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeAxisLayout(d, S, layout);
      await run(options, (cancel) => e.minMaxAxisHalfAsync(x, outMin, outMax, new Uint8Array(d.buffer), cancel));
    },
    async minMaxBlockedHalfAsync(x, dtype, layout, outMin, outMax, options) {
      const d = new Float64Array(size);
      d[S.half] = dtype === 'bfloat16' ? 1 : 0;
      writeBlockedLayout(d, S, layout);
      await run(options, (cancel) => e.minMaxBlockedHalfAsync(x, outMin, outMax, new Uint8Array(d.buffer), cancel));
    },
    async minMaxAxisAsync(x, layout, outMin, outMax, options) {
      const d = new Float64Array(size);
      writeAxisLayout(d, S, layout);
      await run(options, (cancel) => e.minMaxAxisAsync(x, outMin, outMax, new Uint8Array(d.buffer), cancel));
    },
    async minMaxBlockedAsync(x, layout, outMin, outMax, options) {
      const d = new Float64Array(size);
      writeBlockedLayout(d, S, layout);
      await run(options, (cancel) => e.minMaxBlockedAsync(x, outMin, outMax, new Uint8Array(d.buffer), cancel));
    },
    async packAsync(q, bits, out, options) {
      const d = new Float64Array(size);
      d[S.bits] = bits;
      await run(options, (cancel) => e.packAsync(q, out, new Uint8Array(d.buffer), cancel));
    },
    async unpackAsync(packed, bits, signed, out, options) {
      const d = new Float64Array(size);
      writeBitsSigned(d, S, bits, signed);
      await run(options, (cancel) => e.unpackAsync(packed, out, new Uint8Array(d.buffer), cancel));
    },
    async histogramAsync(x, min, max, counts, options) {
      const d = new Float64Array(size);
      writeMinMax(d, S, min, max);
      await run(options, (cancel) => e.histogramAsync(x, counts, new Uint8Array(d.buffer), cancel));
    },
    async absHistogramAsync(x, min, max, counts, options) {
      const d = new Float64Array(size);
      writeMinMax(d, S, min, max);
      await run(options, (cancel) => e.absHistogramAsync(x, counts, new Uint8Array(d.buffer), cancel));
    },
    async histogramHalfAsync(x, dtype, min, max, counts, options) {
      const d = new Float64Array(size);
      writeDtypeMinMax(d, S, dtype, min, max);
      await run(options, (cancel) => e.histogramHalfAsync(x, counts, new Uint8Array(d.buffer), cancel));
    },
    async absHistogramHalfAsync(x, dtype, min, max, counts, options) {
      const d = new Float64Array(size);
      writeDtypeMinMax(d, S, dtype, min, max);
      await run(options, (cancel) => e.absHistogramHalfAsync(x, counts, new Uint8Array(d.buffer), cancel));
    },
    async ggmlQuantizeAsync(x, format, out, options) {
      const d = new Float64Array(size);
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      await run(options, (cancel) => e.ggmlQuantizeAsync(x, out, new Uint8Array(d.buffer), cancel));
      return d[S.badIndex]!;
    },
    async ggmlQuantizeHalfAsync(x, dtype, format, out, options) {
      const d = new Float64Array(size);
      writeDtypeFormat(d, S, dtype, format);
      await run(options, (cancel) => e.ggmlQuantizeHalfAsync(x, out, new Uint8Array(d.buffer), cancel));
      return d[S.badIndex]!;
    },
    async ggmlDequantizeAsync(blocks, format, out, options) {
      const d = new Float64Array(size);
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      await run(options, (cancel) => e.ggmlDequantizeAsync(blocks, out, new Uint8Array(d.buffer), cancel));
    },
    async quantizeEmbeddingRowsAsync(x, dim, starts, steps, precision, int8Rounding, out, options) {
      const d = new Float64Array(size);
      writeDimPrecisionInt8Rounding(d, S, dim, precision, int8Rounding);
      await run(options, (cancel) => e.quantizeEmbeddingRowsAsync(x, starts, steps, out, new Uint8Array(d.buffer), cancel));
    },
    async packBinaryRowsAsync(x, dim, precision, bitOrder, threshold, out, options) {
      const d = new Float64Array(size);
      writeDimPrecisionBitOrderThreshold(d, S, dim, precision, bitOrder, threshold);
      await run(options, (cancel) => e.packBinaryRowsAsync(x, out, new Uint8Array(d.buffer), cancel));
    },
    async hammingScanAsync(query, rows, bytesPerRow, out, options) {
      const d = new Float64Array(size);
      d[S.bytesPerRow] = bytesPerRow;
      await run(options, (cancel) => e.hammingScanAsync(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async dotScanInt8Async(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.dotScanInt8Async(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async dotScanUint8Async(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.dotScanUint8Async(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async l2ScanInt8Async(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.l2ScanInt8Async(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async l2ScanUint8Async(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.l2ScanUint8Async(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async dotScanAsymmetricAsync(query, rows, starts, steps, dim, out, int8Rounding, options) {
      const d = new Float64Array(size);
      writeDimInt8Rounding(d, S, dim, int8Rounding);
      await run(options, (cancel) => e.dotScanAsymmetricAsync(query, rows, starts, steps, out, new Uint8Array(d.buffer), cancel));
    },
    async l2ScanAsymmetricAsync(query, rows, starts, steps, dim, out, int8Rounding, options) {
      const d = new Float64Array(size);
      writeDimInt8Rounding(d, S, dim, int8Rounding);
      await run(options, (cancel) => e.l2ScanAsymmetricAsync(query, rows, starts, steps, out, new Uint8Array(d.buffer), cancel));
    },
    async dotScanFloatAsync(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.dotScanFloatAsync(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async l2ScanFloatAsync(query, rows, dim, out, options) {
      const d = new Float64Array(size);
      d[S.dim] = dim;
      await run(options, (cancel) => e.l2ScanFloatAsync(query, rows, out, new Uint8Array(d.buffer), cancel));
    },
    async topKKernelAsync(scores, k, order, out, options) {
      const d = new Float64Array(size);
      writeKOrder(d, S, k, order);
      await run(options, (cancel) => e.topKKernelAsync(scores, out, new Uint8Array(d.buffer), cancel));
      return d[S.resultCount]!;
    },
  };
}
