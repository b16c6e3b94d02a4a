import { referenceBackend, type Backend, type BackendCapabilities, type FloatArray, type IntArray, type KernelSpec } from '@quantkit/quant-core';

/**
 * Size-aware routing: below these element counts a call stays in JavaScript (the reference backend) even when the
 * native backend is active, because crossing into the addon has a fixed cost that small inputs do not repay. The two
 * backends are bit-identical, so routing never changes a result, only the time it takes.
 *
 * One constant per operation, all here: the break-even points `pnpm bench` measured on this project's machine (native
 * AVX2 on one thread against the reference, per kernel the smallest size from which native wins at every larger size;
 * the largest of an operation's kernels is used). docs/BENCHMARKS.md shows the sweep; rerun it and paste its output
 * here when the kernels change. Counts are elements of the input (codes for dequantize / pack, outputs for unpack).
 */
export const ROUTING_THRESHOLDS = Object.freeze({
  /** quantizeTensor, quantizeAxis, quantizeBlocked (measured: 8, 8, 8). */
  quantize: 8,
  /** dequantizeTensor, dequantizeAxis, dequantizeBlocked (measured: 8, 8, 8). */
  dequantize: 8,
  /** fakeQuantizeTensor (quantize, dequantize and error metrics in one pass; measured: 8). */
  fakeQuantize: 8,
  /** minMax, minMaxAxis, minMaxBlocked (measured: 128, 256, 32). */
  minMax: 256,
  absMax: 128,
  pack: 64,
  /** Measured 64 to 128 over the last runs: the faster reference unpack moved the break-even up. */
  unpack: 128,
  /** histogram, absHistogram (calibration; measured: 2048). */
  histogram: 2048,
});

export type RoutingOperation = keyof typeof ROUTING_THRESHOLDS;
export type RoutingThresholds = { readonly [K in RoutingOperation]: number };

/** The storage width a kernel spec needs (narrow ranges included): what capabilities.bits must list. */
function bitsOf(spec: KernelSpec): number {
  const magnitude = Math.max(spec.qmax + 1, spec.qmin < 0 ? -spec.qmin : 0, 1);
  return Math.ceil(Math.log2(magnitude)) + (spec.qmin < 0 ? 1 : 0);
}

function canQuantize(c: BackendCapabilities, x: FloatArray, spec: KernelSpec): boolean {
  return (c.float64 || !(x instanceof Float64Array)) && c.profiles.includes(spec.profile) && c.bits.includes(bitsOf(spec));
}

function floatOk(c: BackendCapabilities, a: FloatArray): boolean {
  return c.float64 || !(a instanceof Float64Array);
}

/**
 * A Backend that sends each call to `fast` when its element count reaches the operation's threshold and `fast` can
 * do it (capabilities), and to `small` (the reference by default) otherwise. Its identity (name, isa, version,
 * threads) is `fast`'s; its capabilities are those of `small`, which the reference makes complete.
 */
export function createRoutedBackend(fast: Backend, options: { small?: Backend; thresholds?: RoutingThresholds } = {}): Backend {
  const small = options.small ?? referenceBackend;
  const t = options.thresholds ?? ROUTING_THRESHOLDS;
  const c = fast.capabilities;
  const pick = (op: RoutingOperation, n: number, supported: boolean): Backend => (supported && n >= t[op] ? fast : small);
  const q = (x: FloatArray, spec: KernelSpec) => pick('quantize', x.length, canQuantize(c, x, spec));

  return Object.freeze({
    name: fast.name,
    isa: fast.isa,
    version: fast.version,
    threads: fast.threads,
    capabilities: small.capabilities,
    quantizeTensor: (x, scale, zp, spec, out) => q(x, spec).quantizeTensor(x, scale, zp, spec, out),
    quantizeAxis: (x, scales, zps, layout, spec, out) => pick('quantize', x.length, c.perAxis && canQuantize(c, x, spec)).quantizeAxis(x, scales, zps, layout, spec, out),
    quantizeBlocked: (x, scales, zps, layout, spec, out) =>
      pick('quantize', x.length, c.blocked && canQuantize(c, x, spec)).quantizeBlocked(x, scales, zps, layout, spec, out),
    dequantizeTensor: (codes: IntArray, scale, zp, out) => pick('dequantize', codes.length, floatOk(c, out)).dequantizeTensor(codes, scale, zp, out),
    dequantizeAxis: (codes, scales, zps, layout, out) => pick('dequantize', codes.length, c.perAxis && floatOk(c, out)).dequantizeAxis(codes, scales, zps, layout, out),
    dequantizeBlocked: (codes, scales, zps, layout, out) =>
      pick('dequantize', codes.length, c.blocked && floatOk(c, out)).dequantizeBlocked(codes, scales, zps, layout, out),
    fakeQuantizeTensor: (x, scale, zp, spec, out) => pick('fakeQuantize', x.length, c.fakeQuantize && canQuantize(c, x, spec)).fakeQuantizeTensor(x, scale, zp, spec, out),
    minMax: (x) => pick('minMax', x.length, floatOk(c, x)).minMax(x),
    absMax: (x) => pick('absMax', x.length, floatOk(c, x)).absMax(x),
    minMaxAxis: (x, layout, outMin, outMax) => pick('minMax', x.length, c.perAxis && floatOk(c, x)).minMaxAxis(x, layout, outMin, outMax),
    minMaxBlocked: (x, layout, outMin, outMax) => pick('minMax', x.length, c.blocked && floatOk(c, x)).minMaxBlocked(x, layout, outMin, outMax),
    pack: (codes, bits, out) => pick('pack', codes.length, c.packedBits.includes(bits)).pack(codes, bits, out),
    unpack: (packed, bits, signed, out) => pick('unpack', out.length, c.packedBits.includes(bits)).unpack(packed, bits, signed, out),
    histogram: (x, min, max, counts) => pick('histogram', x.length, c.histogram && floatOk(c, x)).histogram(x, min, max, counts),
    absHistogram: (x, min, max, counts) => pick('histogram', x.length, c.histogram && floatOk(c, x)).absHistogram(x, min, max, counts),
  } satisfies Backend);
}
