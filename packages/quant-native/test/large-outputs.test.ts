import { expect, it } from 'vitest';
import { referenceBackend } from '@quantkit/quant-core';
import { createNativeBackend, fakeQuantize, quantize } from '../src/index.js';
import * as core from '@quantkit/quant-core';
import { describeNative } from './helpers.js';

/*
 * Outputs of 4 MiB and more get huge-page advice before the kernel writes them (native/src/binding/output_memory.h),
 * and the API returns outputs that are not zero-filled (quant-core fresh-array.ts). Neither may change a byte: a view
 * at an odd offset inside a larger buffer is written exactly, its neighbours untouched, and fresh API outputs equal
 * the reference's.
 */
describeNative('large outputs', () => {
  const n = (6 << 20) / 4 + 3;  // a float32 output of a little over 6 MiB
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.001) * 4);

  it('a view at an odd offset in a larger buffer: its elements written, the bytes around it untouched', () => {
    const native = createNativeBackend({ threads: 1 });
    const spec = { qmin: 0, qmax: 255, profile: 'onnx' as const };
    const codes = new Uint8Array(n);
    native.quantizeTensor(x, 8 / 255, 128, spec, codes);
    const buffer = new ArrayBuffer((n + 1029) * 4);
    const bytes = new Uint8Array(buffer).fill(0xa5);
    const out = new Float32Array(buffer, 4 * 1027, n);
    native.dequantizeTensor(codes, 8 / 255, 128, out);
    const expected = new Float32Array(n);
    referenceBackend.dequantizeTensor(codes, 8 / 255, 128, expected);
    expect(Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(bytes.subarray(0, 4 * 1027).every((b) => b === 0xa5)).toBe(true);
    expect(bytes.subarray(4 * 1027 + 4 * n).every((b) => b === 0xa5)).toBe(true);
  });

  it('fresh API outputs equal the reference API, call after call', () => {
    for (let round = 0; round < 3; round++) {
      const q = quantize(x);
      const r = core.quantize(x);
      expect(Buffer.from(q.data.buffer, q.data.byteOffset, q.data.byteLength).equals(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength))).toBe(true);
      const f = fakeQuantize(x, { range: { min: -4, max: 4 } }) as Float32Array;
      const g = core.fakeQuantize(x, { range: { min: -4, max: 4 } }) as Float32Array;
      expect(Buffer.from(f.buffer, f.byteOffset, f.byteLength).equals(Buffer.from(g.buffer, g.byteOffset, g.byteLength))).toBe(true);
    }
  });
});
