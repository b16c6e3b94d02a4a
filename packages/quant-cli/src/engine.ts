import {
  dequantize,
  dequantizeAsync,
  quantizationError,
  quantize,
  quantizeAsync,
  type FloatArray,
  type QuantInput,
  type QuantizationErrorReport,
  type QuantizedTensor,
  type QuantizeOptions,
} from './lib.js';

/*
 * The library calls the CLI makes. When the library has async variants they run on its native threads (and stop early
 * when `signal` aborts); otherwise the synchronous reference runs on this thread. Either way the results are the same
 * bits: the async variants are the same kernels.
 */

export async function quantizeTensor(x: QuantInput, options: QuantizeOptions, signal?: AbortSignal): Promise<QuantizedTensor> {
  signal?.throwIfAborted();
  if (quantizeAsync) return quantizeAsync(x, { ...options, signal });
  return quantize(x, options);
}

export async function dequantizeTensor(qt: QuantizedTensor, out: FloatArray | undefined, signal?: AbortSignal): Promise<FloatArray> {
  signal?.throwIfAborted();
  if (dequantizeAsync) return dequantizeAsync(qt, { out, signal });
  return dequantize(qt, out);
}

/** What quantizing x costs: the error metrics of the dequantized values, and the parameters that gave them. */
export interface QuantizationCost {
  readonly error: QuantizationErrorReport;
  readonly quantized: QuantizedTensor;
}

/**
 * Quantizes x with `options` and dequantizes it again (to float32 for half bits, as `quant dequantize` writes them),
 * keeping the parameters: inspect reports the error against `reference`, x's values as numbers (x itself unless x
 * holds half bits), and checks the parameters' range (range-overflow.ts).
 */
export async function quantizationCost(x: QuantInput, reference: FloatArray, options: QuantizeOptions, signal?: AbortSignal): Promise<QuantizationCost> {
  const quantized = await quantizeTensor(x, options, signal);
  const values = await dequantizeTensor(quantized, undefined, signal);
  return { error: quantizationError(reference, values), quantized };
}
