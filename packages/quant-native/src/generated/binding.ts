// GENERATED FILE - DO NOT EDIT. Made by scripts/generate-binding.mjs from @quantkit/quant-core's KERNEL_TABLE
// (run `pnpm --filter @quantkit/quant-native generate` after changing the table; a test fails while this is stale).
// Each kernel writes its scalar parameters into the descriptor d at the slots the addon declares, and passes its
// arrays in the table's order, then d's bytes (docs: src/marshal.ts).
import { errorReportOf, GGML_FORMAT_NAMES, type AsyncKernels, type AsyncOptions, type KernelArgs, type KernelSignatures } from '@quantkit/quant-core';
import type { NativeEngine } from '../addon.js';

type Args<K extends keyof KernelSignatures> = KernelArgs<K>;

/** Every descriptor slot the kernels below write or read. */
export const USED_SLOTS = ['absMax', 'badGroup', 'badIndex', 'bits', 'blockSize', 'dim', 'dot', 'format', 'half', 'inner', 'max', 'maxAbs', 'min', 'outer', 'profile', 'qmax', 'qmin', 'scale', 'scheme', 'signed', 'sumAbs', 'sumApprox2', 'sumRef2', 'sumSq', 'zeroPoint'] as const;

/**
 * The index of every used slot in the loaded addon's descriptor. A class with every field set in its constructor, so
 * V8 keeps the object's properties fast (a plain object filled key by key turns into a dictionary past a dozen keys,
 * and every S.slot load on the hot path would then go through a dictionary lookup).
 */
export class SlotIndices {
  readonly absMax: number;
  readonly badGroup: number;
  readonly badIndex: number;
  readonly bits: number;
  readonly blockSize: number;
  readonly dim: number;
  readonly dot: number;
  readonly format: number;
  readonly half: number;
  readonly inner: number;
  readonly max: number;
  readonly maxAbs: number;
  readonly min: number;
  readonly outer: number;
  readonly profile: number;
  readonly qmax: number;
  readonly qmin: number;
  readonly scale: number;
  readonly scheme: number;
  readonly signed: number;
  readonly sumAbs: number;
  readonly sumApprox2: number;
  readonly sumRef2: number;
  readonly sumSq: number;
  readonly zeroPoint: number;

  constructor(indexOf: (slot: (typeof USED_SLOTS)[number]) => number) {
    this.absMax = indexOf('absMax');
    this.badGroup = indexOf('badGroup');
    this.badIndex = indexOf('badIndex');
    this.bits = indexOf('bits');
    this.blockSize = indexOf('blockSize');
    this.dim = indexOf('dim');
    this.dot = indexOf('dot');
    this.format = indexOf('format');
    this.half = indexOf('half');
    this.inner = indexOf('inner');
    this.max = indexOf('max');
    this.maxAbs = indexOf('maxAbs');
    this.min = indexOf('min');
    this.outer = indexOf('outer');
    this.profile = indexOf('profile');
    this.qmax = indexOf('qmax');
    this.qmin = indexOf('qmin');
    this.scale = indexOf('scale');
    this.scheme = indexOf('scheme');
    this.signed = indexOf('signed');
    this.sumAbs = indexOf('sumAbs');
    this.sumApprox2 = indexOf('sumApprox2');
    this.sumRef2 = indexOf('sumRef2');
    this.sumSq = indexOf('sumSq');
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
    ggmlQuantize(x, format, out) {
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      e.ggmlQuantize(x, out, bytes);
      return d[S.badIndex]!;
    },
    ggmlDequantize(blocks, format, out) {
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      e.ggmlDequantize(blocks, out, bytes);
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
    async ggmlQuantizeAsync(x, format, out, options) {
      const d = new Float64Array(size);
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      await run(options, (cancel) => e.ggmlQuantizeAsync(x, out, new Uint8Array(d.buffer), cancel));
      return d[S.badIndex]!;
    },
    async ggmlDequantizeAsync(blocks, format, out, options) {
      const d = new Float64Array(size);
      d[S.format] = GGML_FORMAT_NAMES.indexOf(format);
      await run(options, (cancel) => e.ggmlDequantizeAsync(blocks, out, new Uint8Array(d.buffer), cancel));
    },
  };
}
