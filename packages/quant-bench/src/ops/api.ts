import type { Backend, QuantizedTensor } from '@quantkit/quant-core';
import { apiFor } from './codes.js';
import { BLOCK_SIZE, channelShape, lastAxisChannelShape } from './layouts.js';
import { MINMAX_THEN_QUANTIZE_U8 } from './misc.js';
import type { Operation, PreparedOperation } from './types.js';

/*
 * The high-level API as users call it (issue 20): every call validates its options, chooses its parameters and
 * allocates a fresh output, so the page faults of a new array are part of the figure (no pooled buffers, no `out`).
 * The per-tensor `quantize(x)` row is FULL_QUANTIZE in misc.ts (it has the ONNX Runtime DynamicQuantizeLinear case).
 */

/** Blocked rows: [rows, cols] with blocks of 32 along the last axis; cols = the largest power of two <= min(4096, n) dividing n. */
export function apiBlockShape(n: number): [number, number] {
  let cols = 1;
  while (cols * 2 <= Math.min(4096, n) && n % (cols * 2) === 0) cols *= 2;
  return [n / cols, cols];
}

/** The data's own range, computed once in prepare: what the "given range" rows pass as { range: { min, max } }. */
function givenRange(x: Float32Array, producer: Backend): { readonly range: { readonly min: number; readonly max: number } } {
  const r = producer.minMax(x);
  return { range: { min: r.min, max: r.max } };
}

/** A prepared call whose result is whatever the last run returned. */
function keepingLast(call: (b: Backend) => ArrayLike<number>): PreparedOperation {
  let last: ArrayLike<number> = new Uint8Array(0);
  return { run: (b) => void (last = call(b)), result: () => last };
}

export const API_DEQUANTIZE: Operation = {
  id: 'api-dequantize-u8',
  label: 'dequantize(qt) (API) u8 → f32',
  description: 'high-level dequantize(qt) of per-tensor affine uint8 codes: validation, allocation of the output, dequantize pass',
  passes: [{ read: 1, write: 4 }],
  prepare(x, context) {
    const qt: QuantizedTensor = apiFor(context.producer).quantize(x);
    return keepingLast((b) => apiFor(b).dequantize(qt));
  },
};

/**
 * fakeQuantize(x, { range }) or fakeQuantizeWithError, into a new output per call (the rows of issue 20's targets) or
 * into a caller's `out` allocated once in prepare (the array a batch job reuses): the difference between the two is
 * what a fresh output costs on this machine.
 */
function fakeQuantizeOperation(withError: boolean, reusedOut: boolean): Operation {
  const call = withError ? 'fakeQuantizeWithError' : 'fakeQuantize';
  const options = reusedOut ? '{ range: { min, max }, out }' : '{ range: { min, max } }';
  return {
    id: `api-fake-quantize${withError ? '-error' : ''}${reusedOut ? '-out' : ''}-u8`,
    label: `${call}(x${reusedOut ? ', { out }' : ''}) (API) u8, range given`,
    description:
      `high-level ${call}(x, ${options}) affine uint8 per tensor: validation, parameters, ${reusedOut ? 'a reused output' : 'new output'}, ` +
      (withError ? 'as fakeQuantize plus the error metrics (MSE, SQNR, cosine, ...)' : 'one fused quantize-dequantize pass (no codes kept, no metrics)'),
    passes: [{ read: 4, write: 4 }],
    prepare(x, context) {
      const o = { ...givenRange(x, context.producer), ...(reusedOut ? { out: new Float32Array(x.length) } : {}) };
      return keepingLast((b) => (withError ? apiFor(b).fakeQuantizeWithError(x, o).values : apiFor(b).fakeQuantize(x, o)));
    },
  };
}

export const API_FAKE_QUANTIZE = fakeQuantizeOperation(false, false);
export const API_FAKE_QUANTIZE_WITH_ERROR = fakeQuantizeOperation(true, false);
export const API_FAKE_QUANTIZE_OUT = fakeQuantizeOperation(false, true);
export const API_FAKE_QUANTIZE_WITH_ERROR_OUT = fakeQuantizeOperation(true, true);

export const API_QUANTIZE_BLOCK: Operation = {
  id: 'api-quantize-block-u8',
  label: `quantize(x) (API) per block(${BLOCK_SIZE}) → u8`,
  description: `high-level quantize(x, { shape: [rows, cols], granularity: { axis: 1, blockSize: ${BLOCK_SIZE} } }) affine uint8: min/max and parameters per block from the data, new codes`,
  // The min/max pass, then the quantize pass reading a float32 scale and an int32 zero point per block.
  passes: [
    { read: 4, write: 0 },
    { read: 4 + 8 / BLOCK_SIZE, write: 1 },
  ],
  prepare(x) {
    const options = { shape: apiBlockShape(x.length), granularity: { axis: 1, blockSize: BLOCK_SIZE } };
    return keepingLast((b) => apiFor(b).quantize(x, options).data);
  },
};

function apiChannelOperation(lastAxis: boolean): Operation {
  return {
    id: lastAxis ? 'api-quantize-channel-last-u8' : 'api-quantize-channel-u8',
    label: `quantize(x) (API) per channel${lastAxis ? ', last axis' : ''} → u8`,
    description: `high-level quantize(x, { shape, granularity: { axis: ${lastAxis ? 1 : 0} } }) affine uint8 (shapes as the per-channel kernel rows): min/max per channel from the data, new codes`,
    passes: [
      { read: 4, write: 0 },
      { read: 4, write: 1 },
    ],
    prepare(x) {
      const shape = (lastAxis ? lastAxisChannelShape : channelShape)(x.length).shape;
      const options = { shape, granularity: { axis: lastAxis ? 1 : 0 } };
      return keepingLast((b) => apiFor(b).quantize(x, options).data);
    },
  };
}

export const API_QUANTIZE_CHANNEL = apiChannelOperation(false);
export const API_QUANTIZE_CHANNEL_LAST = apiChannelOperation(true);

/** The API rows after the per-tensor quantize(x) row, in table order. */
export const API_OPERATIONS: readonly Operation[] = [API_DEQUANTIZE, API_FAKE_QUANTIZE, API_FAKE_QUANTIZE_WITH_ERROR, API_QUANTIZE_BLOCK, API_QUANTIZE_CHANNEL, API_QUANTIZE_CHANNEL_LAST];

/** quantize(x) as the "full quantize" row (misc.ts), into a reused `out`: min/max, parameters and the quantize pass. */
export const API_QUANTIZE_OUT: Operation = {
  id: 'api-quantize-out-u8',
  label: 'quantize(x, { out }) (API) → u8',
  description: 'high-level quantize(x, { out }): validation, min/max pass, parameters, quantize pass into a reused output (affine uint8 per tensor)',
  passes: MINMAX_THEN_QUANTIZE_U8,
  prepare(x) {
    const options = { out: new Uint8Array(x.length) };
    return keepingLast((b) => apiFor(b).quantize(x, options).data);
  },
};

/** The API rows into a reused `out` (after the fresh-output rows in table order). */
export const API_OUT_OPERATIONS: readonly Operation[] = [API_QUANTIZE_OUT, API_FAKE_QUANTIZE_OUT, API_FAKE_QUANTIZE_WITH_ERROR_OUT];
