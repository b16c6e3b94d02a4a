import { describe, expect, it } from 'vitest';
import {
  computeQParams,
  createAsyncQuantApi,
  dequantize,
  ErrorCodes,
  fakeQuantize,
  kernels,
  quantizationError,
  quantize,
  type QuantizedTensor,
} from '../helpers/api.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';
import { codeOf, rejectionOf } from '../helpers/quant-error.js';

/*
 * Issue 19, defect 5: a view whose buffer is detached (transferred) before a call was quantized as an empty tensor of
 * the claimed shape, and detaching the input while quantizeAsync ran resolved with a tensor whose data had 0
 * elements. Both are ERR_QUANT_DETACHED now; the async check runs in core's shared async API once the backend has
 * finished, so it holds for every backend (the conformance suite runs the same scenarios on each).
 */

/** Detaches the buffer of `view` (as postMessage with a transfer list does) and returns the memory's new owner. */
function detach(view: ArrayBufferView): ArrayBuffer {
  return structuredClone(view.buffer as ArrayBuffer, { transfer: [view.buffer as ArrayBuffer] });
}

const data = (): Float32Array => Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 3);
const detached = <T extends ArrayBufferView>(view: T): T => {
  detach(view);
  return view;
};

describe('a view detached before the call', () => {
  const qt = (): QuantizedTensor => quantize(data());
  const u8 = { qmin: 0, qmax: 255, profile: 'onnx' } as const;

  it('is ERR_QUANT_DETACHED for every entry point, not an empty tensor', () => {
    const calls: Record<string, () => unknown> = {
      quantize: () => quantize(detached(data()), { shape: [64, 64] }),
      'quantize without a shape': () => quantize(detached(data())),
      'quantize into a detached out': () => quantize(data(), { out: detached(new Uint8Array(4096)) }),
      fakeQuantize: () => fakeQuantize(detached(data())),
      computeQParams: () => computeQParams(detached(data())),
      'dequantize of detached data': () => dequantize({ ...qt(), data: detached(new Uint8Array(4096)) }),
      'dequantize into a detached out': () => dequantize(qt(), detached(new Float32Array(4096))),
      'dequantize with detached scales': () => dequantize({ ...quantize(data(), { shape: [2, 2048], granularity: { axis: 0 } }), scale: detached(Float32Array.of(1, 1)) }),
      quantizationError: () => quantizationError(detached(data()), new Float32Array(4096)),
      'kernel quantizeTensor': () => kernels.quantizeTensor(detached(data()), 1, 0, u8, new Uint8Array(4096)),
      'kernel output': () => kernels.quantizeTensor(data(), 1, 0, u8, detached(new Uint8Array(4096))),
      'kernel minMax': () => kernels.minMax(detached(data())),
      'kernel histogram counts': () => kernels.histogram(data(), 0, 1, detached(new Uint32Array(8))),
    };
    for (const [name, call] of Object.entries(calls)) expect(codeOf(call), name).toBe(ErrorCodes.DETACHED);
  });

  it('an empty view that was never detached is still an empty tensor', () => {
    expect(quantize(new Float32Array(0)).data.length).toBe(0);
    expect(quantize(new Float32Array(new ArrayBuffer(8), 8, 0)).data.length).toBe(0);
  });
});

describe('a view detached while an async call runs', () => {
  const api = createAsyncQuantApi(turnAsyncBackend());

  it('rejects quantizeAsync with ERR_QUANT_DETACHED instead of resolving with 0 codes', async () => {
    const x = data();
    const running = api.quantizeAsync(x, { shape: [64, 64] });
    const kept = detach(x);
    expect(await rejectionOf(running)).toBe(ErrorCodes.DETACHED);
    expect(kept.byteLength).toBe(4096 * 4);
  });

  it('rejects every async entry point, for inputs and outputs alike', async () => {
    const qt = quantize(data());
    const cases: Record<string, () => Promise<unknown>> = {
      'quantizeAsync, per-axis': () => {
        const x = data();
        const p = api.quantizeAsync(x, { shape: [64, 64], granularity: { axis: 0 } });
        detach(x);
        return p;
      },
      'quantizeAsync into a caller out': () => {
        const out = new Uint8Array(4096);
        const p = api.quantizeAsync(data(), { out });
        detach(out);
        return p;
      },
      'quantizeAsync with explicit parameters': () => {
        const x = data();
        const p = api.quantizeAsync(x, { scale: 0.1, zeroPoint: 128 });
        detach(x);
        return p;
      },
      fakeQuantizeAsync: () => {
        const x = data();
        const p = api.fakeQuantizeAsync(x);
        detach(x);
        return p;
      },
      'dequantizeAsync, its data': () => {
        const t = { ...qt, data: Uint8Array.from(qt.data) };
        const p = api.dequantizeAsync(t);
        detach(t.data);
        return p;
      },
      'dequantizeAsync, its out': () => {
        const out = new Float32Array(4096);
        const p = api.dequantizeAsync(qt, { out });
        detach(out);
        return p;
      },
    };
    for (const [name, call] of Object.entries(cases)) expect(await rejectionOf(call()), name).toBe(ErrorCodes.DETACHED);
  });

  it('rejects before the call when the view is already detached', async () => {
    expect(await rejectionOf(api.quantizeAsync(detached(data())))).toBe(ErrorCodes.DETACHED);
    expect(await rejectionOf(api.dequantizeAsync(quantize(data()), { out: detached(new Float32Array(4096)) }))).toBe(ErrorCodes.DETACHED);
  });

  it('an abort still wins: the call rejects with AbortError', async () => {
    const x = data();
    const controller = new AbortController();
    const running = api.quantizeAsync(x, { signal: controller.signal });
    controller.abort();
    detach(x);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
  });
});
