import {
  dequantize,
  dequantizeAsync,
  fakeQuantizeAsync,
  fakeQuantizeWithError,
  quantizationError,
  quantize,
  quantizeAsync,
  type FloatArray,
  type QuantizationErrorReport,
  type QuantizedTensor,
  type QuantizeOptions,
} from './lib.js';

/*
 * The library calls the CLI makes. When the library has async variants they run on its native threads (and stop early
 * when `signal` aborts); otherwise the synchronous reference runs on this thread. Either way the results are the same
 * bits: the async variants are the same kernels.
 */

export async function quantizeTensor(x: FloatArray, options: QuantizeOptions, signal?: AbortSignal): Promise<QuantizedTensor> {
  signal?.throwIfAborted();
  if (quantizeAsync) return quantizeAsync(x, { ...options, signal });
  return quantize(x, options);
}

export async function dequantizeTensor(qt: QuantizedTensor, out: FloatArray | undefined, signal?: AbortSignal): Promise<FloatArray> {
  signal?.throwIfAborted();
  if (dequantizeAsync) return dequantizeAsync(qt, { out, signal });
  return dequantize(qt, out);
}

/** Error metrics of quantizing x with `options` and dequantizing it again. */
export async function quantizationCost(x: FloatArray, options: QuantizeOptions, signal?: AbortSignal): Promise<QuantizationErrorReport> {
  signal?.throwIfAborted();
  if (fakeQuantizeAsync) return quantizationError(x, await fakeQuantizeAsync(x, { ...options, signal }));
  return fakeQuantizeWithError(x, options).error;
}
