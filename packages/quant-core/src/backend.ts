import * as dequantizeKernels from './kernels/dequantize.js';
import * as packKernels from './kernels/pack.js';
import * as quantizeKernels from './kernels/quantize.js';
import { quantizeBlockedMinMax } from './kernels/quantize-blocks.js';
import { dequantizeTensorHalf, minMaxHalf, quantizeTensorHalf } from './kernels/half-kernels.js';
import * as halfLayoutKernels from './kernels/half-layouts.js';
import { ggmlDequantize, ggmlQuantize, ggmlQuantizeHalf } from './ggml/kernels.js';
import { REFERENCE_EMBEDDING_KERNELS } from './embeddings/kernels.js';
import * as reduceKernels from './kernels/reduce.js';
import { absHistogramRun, histogramRun } from './calibrate/histogram.js';
import { absHistogramHalfRun, histogramHalfRun } from './calibrate/half-histogram.js';
import { KERNEL_TABLE, type KernelArgs, type KernelName, type KernelParam, type KernelSignatures } from './kernel-table.js';
import type { FloatArray, KernelSpec, Profile, QuantizationErrorReport } from './types.js';
import { VERSION } from './version.js';
import { errorReportOf, ErrorAccumulator } from './metrics.js';

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
  /** The backend quantizes GGML block formats itself (ggmlQuantize / ggmlDequantize); otherwise the reference's run. */
  readonly ggml?: boolean;
  /**
   * The float precisions the backend's embedding kernels take (quantizeEmbeddingRows .. l2ScanFloat); a call with a
   * float array of another precision runs the reference's. Absent: none (every embedding call runs the reference's).
   * topKKernel's scores are not float data: any listing covers its Float64Array / Int32Array / Uint32Array scores.
   */
  readonly embeddings?: readonly ('float32' | 'float64')[];
}

/**
 * The kernel-level interface every backend implements: an identity and every kernel of the kernel table
 * (kernel-table.ts). All arguments are validated by the caller (the high-level API in api.ts validates once, in
 * TypeScript); outputs are provided by the caller and never allocated by the backend. Typed arrays may be views at any
 * byteOffset into a larger or shared ArrayBuffer.
 */
export interface Backend extends KernelSignatures {
  readonly name: string;
  /** 'js' for the reference, the instruction set for native backends ('avx2', 'scalar'). */
  readonly isa: string;
  readonly version: string;
  readonly threads: number;
  readonly capabilities: BackendCapabilities;
}

/** The storage width a kernel spec needs (narrow ranges included): what capabilities.bits must list. */
export function specBits(spec: KernelSpec): number {
  const magnitude = Math.max(spec.qmax + 1, spec.qmin < 0 ? -spec.qmin : 0, 1);
  return Math.ceil(Math.log2(magnitude)) + (spec.qmin < 0 ? 1 : 0);
}

const floatOk = (c: BackendCapabilities, a: unknown): boolean => c.float64 || !(a instanceof Float64Array);

/** Whether an argument of an embedding kernel is of a precision `precisions` lists (code arrays always are). */
function embeddingFloatOk(precisions: readonly ('float32' | 'float64')[], a: unknown): boolean {
  if (a instanceof Float32Array) return precisions.includes('float32');
  if (a instanceof Float64Array) return precisions.includes('float64');
  return true;
}

/** A test of whether a backend can run a call of one kernel (its KernelInfo.granularity and .needs). */
export type SupportTest<K extends KernelName = KernelName> = (c: BackendCapabilities, args: KernelArgs<K>) => boolean;

/** The support test of a kernel, with its argument positions resolved once (routing calls it on every call). */
export function supportTestOf<K extends KernelName>(name: K): SupportTest<K> {
  const info = KERNEL_TABLE[name];
  const at = (p: KernelParam): number => (info.params as readonly KernelParam[]).indexOf(p);
  const [x, out, spec, bits] = [at('x'), at('out'), at('spec'), at('bits')];
  const floatsOf = (['x', 'query', 'rows', 'starts', 'steps'] as const).map(at).filter((i) => i >= 0);
  const layoutOk = (c: BackendCapabilities): boolean => (info.granularity === 'axis' ? c.perAxis : info.granularity === 'blocked' ? c.blocked : true);
  const quantizes = (c: BackendCapabilities, a: readonly unknown[]): boolean => {
    const s = a[spec] as KernelSpec;
    return floatOk(c, a[x]) && c.profiles.includes(s.profile) && c.bits.includes(specBits(s));
  };
  const needs: (c: BackendCapabilities, a: readonly unknown[]) => boolean = {
    quantize: quantizes,
    fakeQuantize: (c: BackendCapabilities, a: readonly unknown[]) => c.fakeQuantize && quantizes(c, a),
    dequantize: (c: BackendCapabilities, a: readonly unknown[]) => floatOk(c, a[out]),
    floats: (c: BackendCapabilities, a: readonly unknown[]) => floatOk(c, a[x]),
    histogram: (c: BackendCapabilities, a: readonly unknown[]) => c.histogram && floatOk(c, a[x]),
    packed: (c: BackendCapabilities, a: readonly unknown[]) => c.packedBits.includes(a[bits] as 2 | 4),
    ggml: (c: BackendCapabilities) => c.ggml === true,
    embeddings: (c: BackendCapabilities, a: readonly unknown[]) => c.embeddings !== undefined && floatsOf.every((i) => embeddingFloatOk(c.embeddings!, a[i])),
  }[info.needs];
  return (c, args) => layoutOk(c) && needs(c, args as readonly unknown[]);
}

const ALL_BITS = Object.freeze([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

/** Elements per chunk of the codes scratch: a divisor of ERROR_BLOCK (65536), so chunks never straddle a block. */
const FAKE_QUANT_CHUNK = 4096;
const fakeQuantCodes = new Int32Array(FAKE_QUANT_CHUNK);

/**
 * Reference fake-quantize: the two kernels composed chunk by chunk, the metrics accumulated in float64 in the lane and
 * block order of SPEC §6 (ErrorAccumulator: blocks of 65536 pairs, 8 lanes each), as the native kernels and binding do.
 */
function referenceFakeQuantizeTensor(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): QuantizationErrorReport {
  const s = x instanceof Float32Array ? Math.fround(scale) : scale;
  const acc = new ErrorAccumulator();
  for (let start = 0; start < x.length; start += FAKE_QUANT_CHUNK) {
    const end = Math.min(start + FAKE_QUANT_CHUNK, x.length);
    const chunk = x.subarray(start, end);
    quantizeKernels.quantizeRun(chunk, fakeQuantCodes, 0, chunk.length, scale, zeroPoint, spec);
    for (let i = 0; i < chunk.length; i++) out[start + i] = (fakeQuantCodes[i]! - zeroPoint) * s;
    acc.addRange(x, out, start, end);
  }
  return errorReportOf(acc.finish(), x.length);
}

/** Reference fake-quantize without metrics: the same values, chunk by chunk through the codes scratch. */
function referenceFakeQuantizeTensorValues(x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, out: FloatArray): void {
  const s = x instanceof Float32Array ? Math.fround(scale) : scale;
  for (let start = 0; start < x.length; start += FAKE_QUANT_CHUNK) {
    const end = Math.min(start + FAKE_QUANT_CHUNK, x.length);
    quantizeKernels.quantizeRun(x.subarray(start, end), fakeQuantCodes, 0, end - start, scale, zeroPoint, spec);
    for (let i = start; i < end; i++) out[i] = (fakeQuantCodes[i - start]! - zeroPoint) * s;
  }
}

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
    ggml: true,
    embeddings: Object.freeze(['float32', 'float64'] as const),
  }),
  ...quantizeKernels,
  quantizeBlockedMinMax,
  quantizeTensorHalf,
  dequantizeTensorHalf,
  minMaxHalf,
  ...halfLayoutKernels,
  ...dequantizeKernels,
  ...reduceKernels,
  ...packKernels,
  fakeQuantizeTensor: referenceFakeQuantizeTensor,
  fakeQuantizeTensorValues: referenceFakeQuantizeTensorValues,
  ggmlQuantize,
  ggmlQuantizeHalf,
  ggmlDequantize,
  ...REFERENCE_EMBEDDING_KERNELS,
  histogram: histogramRun,
  absHistogram: absHistogramRun,
  histogramHalf: histogramHalfRun,
  absHistogramHalf: absHistogramHalfRun,
}) as Backend;
