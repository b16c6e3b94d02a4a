import { describe, expect, it } from 'vitest';
import { createAsyncQuantApi, dequantize, ErrorCodes, fakeQuantize, quantize } from '../helpers/api.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';
import { rejectionOf } from '../helpers/quant-error.js';

/*
 * Issue 19: the native and reference async paths disagreed on views of resizable buffers (one rejected them with an
 * undocumented code, the other accepted them). One rule now, in core's shared async validation: synchronous calls
 * accept them (nothing can resize a buffer during a synchronous call); async calls refuse them, inputs with
 * ERR_QUANT_INPUT_TYPE and caller-provided outputs with ERR_QUANT_OUTPUT.
 */

type ResizableArrayBufferConstructor = new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
type GrowableSharedArrayBufferConstructor = new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;

const values = Float32Array.from({ length: 256 }, (_, i) => Math.cos(i) * 2);

/** `values` in a resizable ArrayBuffer (a length-tracking view). */
function resizableCopy(): Float32Array {
  const a = new Float32Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(values.byteLength, { maxByteLength: values.byteLength * 2 }));
  a.set(values);
  return a;
}

function growableCopy(): Float32Array {
  const a = new Float32Array(new (SharedArrayBuffer as unknown as GrowableSharedArrayBufferConstructor)(values.byteLength, { maxByteLength: values.byteLength * 2 }));
  a.set(values);
  return a;
}

describe('views of resizable and growable buffers', () => {
  const api = createAsyncQuantApi(turnAsyncBackend());

  it('are accepted by the synchronous API, with the results of a fixed-length copy', () => {
    expect(quantize(resizableCopy())).toEqual(quantize(values));
    expect(fakeQuantize(growableCopy(), { bits: 4 })).toEqual(fakeQuantize(values, { bits: 4 }));
    const out = new Float32Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(values.byteLength, { maxByteLength: values.byteLength * 2 }));
    expect(dequantize(quantize(values), out)).toEqual(dequantize(quantize(values)));
  });

  it('are refused by every async call: inputs with ERR_QUANT_INPUT_TYPE, outputs with ERR_QUANT_OUTPUT', async () => {
    const qt = quantize(values);
    const resizableCodes = new Uint8Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(qt.data.length, { maxByteLength: qt.data.length * 2 }));
    resizableCodes.set(qt.data);
    const resizableOut = new Float32Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(values.byteLength, { maxByteLength: values.byteLength }));
    const resizableQuantizeOut = new Uint8Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(values.length, { maxByteLength: values.length }));
    expect(await rejectionOf(api.quantizeAsync(resizableCopy()))).toBe(ErrorCodes.INPUT_TYPE);
    expect(await rejectionOf(api.quantizeAsync(growableCopy()))).toBe(ErrorCodes.INPUT_TYPE);
    expect(await rejectionOf(api.fakeQuantizeAsync(resizableCopy()))).toBe(ErrorCodes.INPUT_TYPE);
    expect(await rejectionOf(api.dequantizeAsync({ ...qt, data: resizableCodes }))).toBe(ErrorCodes.INPUT_TYPE);
    expect(await rejectionOf(api.quantizeAsync(values, { out: resizableQuantizeOut }))).toBe(ErrorCodes.OUTPUT);
    expect(await rejectionOf(api.dequantizeAsync(qt, { out: resizableOut }))).toBe(ErrorCodes.OUTPUT);
  });

  it('fixed-length views of a SharedArrayBuffer are fine for async calls', async () => {
    const shared = new Float32Array(new SharedArrayBuffer(values.byteLength));
    shared.set(values);
    expect(await api.quantizeAsync(shared)).toEqual(quantize(values));
  });
});
