import type { AxisLayout, BlockLayout, KernelSpec } from '@quantkit/quant-core';
import type { EncodedArray, JsonNumber } from '../encoding.js';

/*
 * The golden corpus format (version 1), written by generate.ts from the reference backend and read by run-case.ts.
 * It is plain JSON so that implementations in any language can use it; see corpus/README.md for the prose version.
 *
 * Kernel cases (op = a Backend method) give explicit parameters and the expected output. API cases (op = quantize,
 * fakeQuantize, fakeQuantizeWithError) go through createQuantApi(backend) with JSON options.
 *
 * A case with `lengths` is a sweep: it runs once per length n on the first n input elements. Element-wise results are
 * the first n elements of `expected` (for pack: the first ceil(n * bits / 8) bytes, with the unused high bits of a
 * partial last byte cleared, since padding bits are zero); reductions and error reports have one entry per length in
 * `expectedPerLength`.
 */

export const CORPUS_FORMAT = 'quantkit-conformance-corpus/1';

export interface ErrorReportJson {
  readonly mse: JsonNumber;
  readonly rmse: JsonNumber;
  readonly maxAbs: JsonNumber;
  readonly meanAbs: JsonNumber;
  readonly sqnrDb: JsonNumber;
  readonly cosine: JsonNumber;
}

export interface MinMaxJson {
  readonly min: JsonNumber;
  readonly max: JsonNumber;
}

interface Base {
  readonly name: string;
  readonly lengths?: readonly number[];
}

/** `bits` is the storage width the spec stands for (what capabilities.bits must list). */
export interface QuantizeTensorCase extends Base {
  readonly op: 'quantizeTensor';
  readonly x: EncodedArray;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly spec: KernelSpec;
  readonly bits: number;
  readonly expected: EncodedArray;
}

export interface QuantizeAxisCase extends Base {
  readonly op: 'quantizeAxis';
  readonly x: EncodedArray;
  readonly scales: EncodedArray;
  readonly zeroPoints: EncodedArray;
  readonly layout: AxisLayout;
  readonly spec: KernelSpec;
  readonly bits: number;
  readonly expected: EncodedArray;
}

export interface QuantizeBlockedCase extends Base {
  readonly op: 'quantizeBlocked';
  readonly x: EncodedArray;
  readonly scales: EncodedArray;
  readonly zeroPoints: EncodedArray;
  readonly layout: BlockLayout;
  readonly spec: KernelSpec;
  readonly bits: number;
  readonly expected: EncodedArray;
}

export interface DequantizeTensorCase extends Base {
  readonly op: 'dequantizeTensor';
  readonly q: EncodedArray;
  readonly scale: number;
  readonly zeroPoint: number;
  /** The output array's dtype is expected.dtype. */
  readonly expected: EncodedArray;
}

export interface DequantizeAxisCase extends Base {
  readonly op: 'dequantizeAxis';
  readonly q: EncodedArray;
  readonly scales: EncodedArray;
  readonly zeroPoints: EncodedArray;
  readonly layout: AxisLayout;
  readonly expected: EncodedArray;
}

export interface DequantizeBlockedCase extends Base {
  readonly op: 'dequantizeBlocked';
  readonly q: EncodedArray;
  readonly scales: EncodedArray;
  readonly zeroPoints: EncodedArray;
  readonly layout: BlockLayout;
  readonly expected: EncodedArray;
}

export interface FakeQuantizeTensorCase extends Base {
  readonly op: 'fakeQuantizeTensor';
  readonly x: EncodedArray;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly spec: KernelSpec;
  readonly bits: number;
  readonly expected: EncodedArray;
  readonly expectedError?: ErrorReportJson;
  readonly expectedPerLength?: readonly ErrorReportJson[];
}

export interface MinMaxCase extends Base {
  readonly op: 'minMax';
  readonly x: EncodedArray;
  readonly expected?: MinMaxJson;
  readonly expectedPerLength?: readonly MinMaxJson[];
}

export interface AbsMaxCase extends Base {
  readonly op: 'absMax';
  readonly x: EncodedArray;
  readonly expected?: JsonNumber;
  readonly expectedPerLength?: readonly JsonNumber[];
}

export interface MinMaxAxisCase extends Base {
  readonly op: 'minMaxAxis';
  readonly x: EncodedArray;
  readonly layout: AxisLayout;
  readonly expectedMin: EncodedArray;
  readonly expectedMax: EncodedArray;
}

export interface MinMaxBlockedCase extends Base {
  readonly op: 'minMaxBlocked';
  readonly x: EncodedArray;
  readonly layout: BlockLayout;
  readonly expectedMin: EncodedArray;
  readonly expectedMax: EncodedArray;
}

export interface PackCase extends Base {
  readonly op: 'pack';
  readonly q: EncodedArray;
  readonly bits: 2 | 4;
  readonly expected: EncodedArray;
}

export interface UnpackCase extends Base {
  readonly op: 'unpack';
  readonly packed: EncodedArray;
  readonly bits: 2 | 4;
  readonly signed: boolean;
  /** The unpacked elements; their count is the output length (packed may carry non-zero padding bits). */
  readonly expected: EncodedArray;
}

/** Options of the high-level API, as JSON (the QuantizeOptions subset that JSON can carry). */
export interface QuantizeOptionsJson {
  readonly scheme?: 'affine' | 'symmetric';
  readonly bits?: number;
  readonly granularity?: 'tensor' | { readonly axis: number } | { readonly axis: number; readonly blockSize: number };
  readonly shape?: readonly number[];
  readonly range?: 'minmax' | { readonly min: number | readonly number[]; readonly max: number | readonly number[] };
  readonly narrowRange?: boolean;
  readonly profile?: 'onnx' | 'pytorch';
  readonly packed?: boolean;
  readonly scale?: number | readonly number[];
  readonly zeroPoint?: number | readonly number[];
}

/** An approximate expectation: |actual - value| <= tolerance (used where the source printed a rounded number). */
export interface Approx {
  readonly approx: number;
  readonly tolerance: number;
}

export interface QuantizeCase extends Base {
  readonly op: 'quantize';
  readonly x: EncodedArray;
  readonly options: QuantizeOptionsJson;
  readonly expected: {
    readonly data: EncodedArray;
    /** Exact float scale(s) in the tensor's precision, or an approximation. */
    readonly scale: JsonNumber | EncodedArray | Approx;
    readonly zeroPoint: number | EncodedArray;
  };
}

export interface FakeQuantizeCase extends Base {
  readonly op: 'fakeQuantize';
  readonly x: EncodedArray;
  readonly options: QuantizeOptionsJson;
  readonly expected: EncodedArray;
}

/**
 * fakeQuantizeWithError, checked against printed (rounded) numbers: every value and the MSE, rounded half to even
 * to `decimals` decimals (numpy's np.round), must equal the printed ones.
 */
export interface FakeQuantizeRoundedCase extends Base {
  readonly op: 'fakeQuantizeWithError';
  readonly x: EncodedArray;
  readonly options: QuantizeOptionsJson;
  readonly decimals: number;
  readonly expectedValues: readonly number[];
  readonly expectedMse: number;
}

export type CorpusCase =
  | QuantizeTensorCase
  | QuantizeAxisCase
  | QuantizeBlockedCase
  | DequantizeTensorCase
  | DequantizeAxisCase
  | DequantizeBlockedCase
  | FakeQuantizeTensorCase
  | MinMaxCase
  | AbsMaxCase
  | MinMaxAxisCase
  | MinMaxBlockedCase
  | PackCase
  | UnpackCase
  | QuantizeCase
  | FakeQuantizeCase
  | FakeQuantizeRoundedCase;

export interface CorpusFile {
  readonly format: typeof CORPUS_FORMAT;
  readonly family: string;
  readonly description: string;
  readonly generator: string;
  readonly cases: readonly CorpusCase[];
}
