import { ErrorCodes, QuantError, type QuantizedTensor } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createQuantizer } from '../../src/index.js';
import { nativeAvailability } from '../helpers.js';

/*
 * Issue 19 through the package users install, on both backends: the adapter's async functions go through core's
 * shared async API (reference mode with the sliced kernels of async.ts, native mode with the addon's threads), so the
 * memory rules hold the same way on each: a view detached while the call runs rejects with ERR_QUANT_DETACHED (it
 * resolved with 0 codes before), resizable views are refused with the same codes, typed arrays are taken by brand
 * before anything reaches the addon, and `signal` must be an AbortSignal. Inputs are large enough for native mode to
 * send every call to the addon.
 */

const N = 1 << 19;
const data = (): Float32Array => Float32Array.from({ length: N }, (_, i) => Math.sin(i * 0.37) * 5);
const detach = (view: ArrayBufferView): ArrayBuffer => structuredClone(view.buffer as ArrayBuffer, { transfer: [view.buffer as ArrayBuffer] });
type Resizable = new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(QuantError);
    return (e as QuantError).code;
  }
  return 'resolved';
}

describe('async memory rules on every backend', async () => {
  const available = await nativeAvailability();
  const modes = ['reference', ...(available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? (['native'] as const) : [])] as const;

  for (const backend of modes) {
    describe(`${backend} mode`, () => {
      const q = createQuantizer({ backend });

      it('a view detached during the call rejects with ERR_QUANT_DETACHED, never a tensor of 0 codes', async () => {
        const kept: ArrayBuffer[] = []; // the transferred memory stays alive until the calls settle
        const x = data();
        const quantizing = q.quantizeAsync(x, { shape: [512, 1024], granularity: { axis: 0 } });
        kept.push(detach(x));
        expect(await rejectionOf(quantizing)).toBe(ErrorCodes.DETACHED);

        const y = data();
        const faking = q.fakeQuantizeAsync(y, { bits: 4 });
        kept.push(detach(y));
        expect(await rejectionOf(faking)).toBe(ErrorCodes.DETACHED);

        const qt: QuantizedTensor = q.quantize(data());
        const out = new Float32Array(N);
        const dequantizing = q.dequantizeAsync(qt, { out });
        kept.push(detach(out));
        expect(await rejectionOf(dequantizing)).toBe(ErrorCodes.DETACHED);
        expect(kept.every((b) => b.byteLength === N * 4)).toBe(true);
      });

      it('a view detached before the call is ERR_QUANT_DETACHED, sync and async', async () => {
        const x = data();
        detach(x);
        expect(() => q.quantize(x)).toThrow(expect.objectContaining({ code: ErrorCodes.DETACHED }));
        expect(await rejectionOf(q.quantizeAsync(x))).toBe(ErrorCodes.DETACHED);
      });

      it('views of resizable buffers: accepted synchronously, refused by async calls with one set of codes', async () => {
        const x = new Float32Array(new (ArrayBuffer as unknown as Resizable)(N * 4, { maxByteLength: N * 8 }));
        x.set(data());
        expect(q.quantize(x).data.length).toBe(N);
        expect(await rejectionOf(q.quantizeAsync(x))).toBe(ErrorCodes.INPUT_TYPE);
        const out = new Uint8Array(new (ArrayBuffer as unknown as Resizable)(N, { maxByteLength: N }));
        expect(await rejectionOf(q.quantizeAsync(data(), { out }))).toBe(ErrorCodes.OUTPUT);
      });

      it('typed arrays are taken by brand: a Uint8Array with a Float32Array prototype is a Uint8Array', () => {
        const disguised = Object.setPrototypeOf(new Uint8Array(N), Float32Array.prototype) as Float32Array;
        expect(() => q.quantize(disguised)).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_TYPE }));
        expect(() => q.kernels.minMax(disguised)).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_TYPE }));
        const out = Object.setPrototypeOf(new Uint8Array(N), Float32Array.prototype) as Float32Array;
        expect(() => q.kernels.dequantizeTensor(new Uint8Array(N), 1, 0, out)).toThrow(expect.objectContaining({ code: ErrorCodes.OUTPUT }));
      });

      it('a signal that is not an AbortSignal is ERR_QUANT_OPTION', async () => {
        for (const signal of [null, {}, 'abort', { aborted: false }]) {
          expect(await rejectionOf(q.quantizeAsync(data(), { signal: signal as unknown as AbortSignal }))).toBe(ErrorCodes.OPTION);
        }
      });
    });
  }
});

describe('createQuantizer options', () => {
  it('a typo is ERR_QUANT_UNKNOWN_OPTION naming the closest option', () => {
    expect(() => createQuantizer({ backnd: 'reference' } as object)).toThrow(expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION, message: "unknown option 'backnd' (did you mean 'backend'?)" }));
  });

  it('null is a value, not the default', () => {
    expect(() => createQuantizer({ native: null } as unknown as object)).toThrow(expect.objectContaining({ code: ErrorCodes.OPTION }));
    expect(() => createQuantizer({ threads: null } as unknown as object)).toThrow(expect.objectContaining({ code: ErrorCodes.OPTION }));
  });

  it('a BigInt setting is a QuantError, not a TypeError while formatting the message', () => {
    expect(() => createQuantizer({ backend: 1n } as unknown as object)).toThrow(expect.objectContaining({ code: ErrorCodes.BACKEND, message: expect.stringContaining('the bigint 1n') }));
    expect(() => createQuantizer({ isa: 2n } as unknown as object)).toThrow(expect.objectContaining({ code: ErrorCodes.OPTION }));
  });
});
