import {
  countIndexOf,
  KERNEL_TABLE,
  kernelsOf,
  referenceBackend,
  supportTestOf,
  type Backend,
  type BackendCapabilities,
  type KernelArgs,
  type KernelName,
  type KernelOperation,
  type KernelResult,
  type KernelSignatures,
} from '@quantkit/quant-core';

/**
 * Size-aware routing: below these element counts a call stays in JavaScript (the reference backend) even when the
 * native backend is active, because crossing into the addon has a fixed cost that small inputs do not repay. The two
 * backends are bit-identical, so routing never changes a result, only the time it takes.
 *
 * One constant per operation, all here: the break-even points `pnpm bench` measured on this project's machine (native
 * AVX2 on one thread against the reference, per kernel the smallest size from which native wins at every larger size;
 * the largest of an operation's kernels is used). docs/BENCHMARKS.md shows the sweep; rerun it and paste its output
 * here when the kernels change. Counts are elements of the input (codes for dequantize / pack, outputs for unpack).
 * The eval-free reference loops (quant-core kernels/loops.ts) are several times faster on tiny calls than the old
 * compiled-from-string ones, which moved the quantize and dequantize break-evens from 8 up to 128-256 elements.
 */
export const ROUTING_THRESHOLDS: RoutingThresholds = Object.freeze({
  /** quantizeTensor, quantizeAxis, quantizeBlocked (measured over four runs: 64-128, 128, 128). */
  quantize: 128,
  /** dequantizeTensor, dequantizeAxis, dequantizeBlocked (measured: 128, 128-256, 64-128). */
  dequantize: 256,
  /** fakeQuantizeTensor (quantize, dequantize and error metrics in one pass; measured: 64). */
  fakeQuantize: 64,
  /** minMax, minMaxAxis, minMaxBlocked (measured: 128-256, 256, 64-128). */
  minMax: 256,
  absMax: 128,
  pack: 128,
  unpack: 128,
  /** histogram, absHistogram (calibration; measured: 2048-4096). */
  histogram: 4096,
  /** ggmlQuantize, ggmlDequantize (a few blocks: native's fixed cost is repaid from the first K-quant super-block). */
  ggml: 256,
  /**
   * quantizeEmbeddingRows .. l2ScanFloat and topKKernel, counted in values of x / rows / scores (not measured yet: set
   * with ggml's, where the addon's fixed cost of about a microsecond is a few hundred values of the reference's scans).
   */
  embeddings: 256,
});

/**
 * The same break-even points for the WebAssembly backend (@quantkit/quant-wasm, SIMD128), which the adapter selects
 * where the addon cannot load. A wasm call costs about 0.5 µs more than a reference call (arguments into the
 * descriptor, arrays copied into linear memory), so its break-evens lie up to twice as high as native's. Measured in
 * CPU time (the machine was loaded), reference against wasm in one process, sizes 32 .. 8192 (the histogram to
 * 65536), per kernel the smallest size from which wasm wins at every larger size; the largest of an operation's
 * kernels is used.
 * ggml and embeddings were not measured (native's values).
 */
export const WASM_ROUTING_THRESHOLDS: RoutingThresholds = Object.freeze({
  /** quantizeTensor 256 (128: ×0.72-0.79), quantizeAxis 512 (256: ×0.75). */
  quantize: 512,
  /** dequantizeTensor 512 (256: ×0.72-0.77), dequantizeBlocked 1024 (512: ×0.81). */
  dequantize: 1024,
  /** fakeQuantizeTensor: wasm wins from 32 (×1.4). */
  fakeQuantize: 32,
  /** minMax 256 (128: ×0.70), minMaxBlocked 128. */
  minMax: 256,
  absMax: 256,
  pack: 256,
  /** unpack 512 (256: ×0.81-1.01). */
  unpack: 512,
  /** histogram into 2048 bins: 16384 (8192: ×0.94; the wasm histogram runs the portable loop, ×1.3 at 65536). */
  histogram: 16384,
  ggml: 256,
  embeddings: 256,
});

export type RoutingOperation = KernelOperation;
export type RoutingThresholds = { readonly [K in RoutingOperation]: number };

/**
 * Chooses, for each call of one kernel, `fast` when the call's element count (KernelInfo.count) reaches the threshold
 * of the kernel's operation and `fast` can do it (KernelInfo.granularity / .needs against its capabilities), else
 * `small`. Derived from the kernel table, so every kernel is routed the same way, sync and async.
 */
export function routeOf<K extends KernelName>(name: K, fast: BackendCapabilities, thresholds: RoutingThresholds): (args: KernelArgs<K>) => boolean {
  const threshold = thresholds[KERNEL_TABLE[name].operation];
  const count = countIndexOf(name);
  const supported = supportTestOf(name);
  return (args) => (args[count] as ArrayLike<unknown>).length >= threshold && supported(fast, args);
}

/**
 * A Backend that sends each call to `fast` when its element count reaches the operation's threshold and `fast` can
 * do it (capabilities), and to `small` (the reference by default) otherwise. Its identity (name, isa, version,
 * threads) is `fast`'s; its capabilities are those of `small`, which the reference makes complete.
 */
export function createRoutedBackend(fast: Backend, options: { small?: Backend; thresholds?: RoutingThresholds } = {}): Backend {
  const small = options.small ?? referenceBackend;
  const thresholds = options.thresholds ?? ROUTING_THRESHOLDS;
  const kernels = kernelsOf(<K extends KernelName>(name: K) => {
    const toFast = routeOf(name, fast.capabilities, thresholds);
    const f = fast[name] as (...args: KernelArgs<K>) => KernelResult<K>;
    const s = small[name] as (...args: KernelArgs<K>) => KernelResult<K>;
    return ((...args: KernelArgs<K>) => (toFast(args) ? f.apply(fast, args) : s.apply(small, args))) as KernelSignatures[K];
  });
  return Object.freeze({ name: fast.name, isa: fast.isa, version: fast.version, threads: fast.threads, capabilities: small.capabilities, ...kernels });
}
