import { numberToBfloat16, numberToFloat16, quantizeBlocks as referenceQuantizeBlocks, dequantizeBlocks as referenceDequantizeBlocks } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createQuantizer } from '../src/index.js';
import { nativeAvailability, sameBytes } from './helpers.js';

/*
 * quantizeBlocksAsync / dequantizeBlocksAsync: on the native backend the blocks are computed on the addon's threads
 * (the GGUF re-quantizer reads on meanwhile); on every backend the bytes, values and errors are quantizeBlocks's.
 */

/** ES2024's resizable ArrayBuffer (Node 20 has it; the TypeScript lib here does not declare it). */
type ResizableArrayBufferConstructor = new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

const rows = 40;
const cols = 512; // two K super-blocks per row; rows * cols spans several of the addon's chunks
const x = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.113) * 3 + Math.cos(i * 0.007) * (i % 5));

describe('quantizeBlocksAsync and dequantizeBlocksAsync', async () => {
  const available = await nativeAvailability();
  const modes = ['reference', 'wasm', ...(available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? (['native'] as const) : [])] as const;
  for (const backend of modes) {
    const q = createQuantizer({ backend, threads: 2 });

    it(`give quantizeBlocks's bytes and dequantizeBlocks's values (${backend})`, async () => {
      for (const format of ['q8_0', 'q4_0', 'q4_k', 'q6_k'] as const) {
        const want = referenceQuantizeBlocks(x, { format, shape: [rows, cols] });
        const got = await q.quantizeBlocksAsync(x, { format, shape: [rows, cols] });
        expect(got.format).toBe(format);
        expect(got.shape).toEqual([rows, cols]);
        expect(sameBytes(got.data, want.data), format).toBe(true);
        expect(sameBytes(await q.dequantizeBlocksAsync(got), referenceDequantizeBlocks(want)), format).toBe(true);
        const out = new Float32Array(x.length);
        expect(await q.dequantizeBlocksAsync(got, { out })).toBe(out);
      }
    });

    it(`write into options.out, whatever it held, sync and async (${backend})`, async () => {
      for (const format of ['q8_0', 'q4_1', 'q3_k', 'q5_k'] as const) {
        const want = referenceQuantizeBlocks(x, { format, shape: [rows, cols] });
        const out = new Uint8Array(want.data.length).fill(0xa5);
        const got = await q.quantizeBlocksAsync(x, { format, shape: [rows, cols], out });
        expect(got.data).toBe(out);
        expect(sameBytes(out, want.data), format).toBe(true);
        out.fill(0x5a);
        expect(q.quantizeBlocks(x, { format, shape: [rows, cols], out }).data).toBe(out);
        expect(sameBytes(out, want.data), format).toBe(true);
        const short = new Uint8Array(want.data.length - 1);
        expect(() => q.quantizeBlocks(x, { format, out: short })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OUTPUT' }));
        await expect(q.quantizeBlocksAsync(x, { format, out: short })).rejects.toMatchObject({ code: 'ERR_QUANT_OUTPUT' });
        await expect(q.quantizeBlocksAsync(x, { format, out: new Int8Array(want.data.length) as unknown as Uint8Array })).rejects.toMatchObject({ code: 'ERR_QUANT_OUTPUT' });
        const overlapping = new Uint8Array(x.buffer, 0, want.data.length);
        await expect(q.quantizeBlocksAsync(x, { format, out: overlapping })).rejects.toMatchObject({ code: 'ERR_QUANT_OUTPUT' });
      }
    });

    it(`take float16 and bfloat16 bit patterns as quantizeBlocks does (${backend})`, async () => {
      for (const [dtype, narrow] of [['float16', numberToFloat16], ['bfloat16', numberToBfloat16]] as const) {
        const bits = Uint16Array.from(x, (v) => narrow(v));
        const want = referenceQuantizeBlocks(bits, { format: 'q4_k', shape: [rows, cols], dtype });
        const got = await q.quantizeBlocksAsync(bits, { format: 'q4_k', shape: [rows, cols], dtype });
        expect(sameBytes(got.data, want.data), dtype).toBe(true);
      }
    });

    it(`reject what quantizeBlocks rejects, with the same codes and messages (${backend})`, async () => {
      const bad = x.slice();
      bad[7777] = Number.NaN;
      let syncError: unknown;
      try {
        referenceQuantizeBlocks(bad, { format: 'q8_0' });
      } catch (e) {
        syncError = e;
      }
      expect(syncError).toBeDefined();
      await expect(q.quantizeBlocksAsync(bad, { format: 'q8_0' })).rejects.toMatchObject({ code: (syncError as { code: string }).code, message: (syncError as Error).message });
      await expect(q.quantizeBlocksAsync(x, { format: 'q9_9' as 'q8_0' })).rejects.toMatchObject({ code: 'ERR_QUANT_OPTION' });
      await expect(q.quantizeBlocksAsync(x, { format: 'q8_0', shape: [rows * 2, cols / 2 + 1] })).rejects.toMatchObject({ code: 'ERR_QUANT_SHAPE' });
      await expect(q.quantizeBlocksAsync(x, { format: 'q8_0', sigal: undefined, shap: [1] } as never)).rejects.toMatchObject({ code: 'ERR_QUANT_UNKNOWN_OPTION' });
      await expect(q.quantizeBlocksAsync(x, { format: 'q8_0', signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'ERR_QUANT_OPTION' });
      const blocks = await q.quantizeBlocksAsync(x, { format: 'q8_0' });
      await expect(q.dequantizeBlocksAsync({ ...blocks, data: blocks.data.subarray(1) })).rejects.toMatchObject({ code: 'ERR_QUANT_PACKED' });
      await expect(q.dequantizeBlocksAsync(blocks, { out: new Float32Array(3) })).rejects.toMatchObject({ code: 'ERR_QUANT_OUTPUT' });
    });

    it(`honour an abort signal and refuse resizable buffers (${backend})`, async () => {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(q.quantizeBlocksAsync(x, { format: 'q4_k', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      await expect(q.dequantizeBlocksAsync(await q.quantizeBlocksAsync(x, { format: 'q8_0' }), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      const resizable = new Float32Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(x.byteLength, { maxByteLength: 2 * x.byteLength }));
      resizable.set(x);
      await expect(q.quantizeBlocksAsync(resizable, { format: 'q8_0' })).rejects.toMatchObject({ code: 'ERR_QUANT_INPUT_TYPE' });
    });
  }

  it('a call detached while it runs rejects with ERR_QUANT_DETACHED (native)', async (ctx) => {
    if (!available.ok && process.env.QUANT_REQUIRE_NATIVE !== '1') ctx.skip();
    const q = createQuantizer({ backend: 'native', threads: 1 });
    const big = new Float32Array(1 << 22).fill(0.5);
    const pending = q.quantizeBlocksAsync(big, { format: 'q4_k' });
    // The memory moves with the transfer: it must stay reachable until the call settles, as SPEC §8 says (Node-API
    // cannot keep a transferred buffer's memory alive for the addon's threads).
    const memory = structuredClone(big.buffer, { transfer: [big.buffer] });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_QUANT_DETACHED' });
    expect(memory.byteLength).toBe(4 << 22);
  });
});
