import * as core from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import * as quant from '../src/index.js';

/*
 * @quantkit/quant re-exports the whole public API of @quantkit/quant-core, with the backend-bound functions routed to
 * the selected backend: same names, same types, same results.
 */

const BOUND = ['quantize', 'dequantize', 'fakeQuantize', 'fakeQuantizeWithError', 'computeQParams', 'quantizeBlocks', 'dequantizeBlocks', 'quantizeEmbeddings', 'searchBinaryRescore', 'rescoreCandidates', 'topK', 'kernels', 'analyze'];

// Compile-time: the routed functions have core's types (tsc checks this file).
const typed: Pick<typeof core, 'quantize' | 'dequantize' | 'fakeQuantize' | 'fakeQuantizeWithError' | 'computeQParams' | 'kernels' | 'analyze'> = quant;
const asyncTyped: core.AsyncQuantApi = quant;

describe('public API', () => {
  it('exports every name core exports', () => {
    const missing = Object.keys(core).filter((k) => !(k in quant));
    expect(missing).toEqual([]);
  });

  it('passes through everything that is not backend-bound unchanged', () => {
    const changed = Object.keys(core).filter((k) => !BOUND.includes(k) && (quant as Record<string, unknown>)[k] !== (core as Record<string, unknown>)[k]);
    expect(changed).toEqual([]);
    expect(quant.QuantError).toBe(core.QuantError);
    expect(quant.ErrorCodes).toBe(core.ErrorCodes);
  });

  it('adds the adapter’s own API', () => {
    for (const k of ['createQuantizer', 'backendInfo', 'quantizeAsync', 'dequantizeAsync', 'fakeQuantizeAsync', 'ROUTING_THRESHOLDS', 'createRoutedBackend']) expect(k in quant).toBe(true);
    expect(typeof typed.quantize).toBe('function');
    expect(typeof asyncTyped.quantizeAsync).toBe('function');
  });

  it('gives core’s results through the selected backend', async () => {
    const x = Float32Array.from({ length: 2 * 3 * 50 }, (_, i) => Math.tan(i * 0.1) % 7);
    const cases: core.QuantizeOptions[] = [
      {},
      { scheme: 'symmetric', bits: 4, packed: true },
      { shape: [2, 3, 50], granularity: { axis: 1 }, profile: 'pytorch' },
      { shape: [2, 3, 50], granularity: { axis: -1, blockSize: 16 }, bits: 12 },
    ];
    for (const o of cases) {
      const qt = quant.quantize(x, o);
      expect(qt).toEqual(core.quantize(x, o));
      expect(quant.dequantize(qt)).toEqual(core.dequantize(qt));
      expect(quant.fakeQuantize(x, o)).toEqual(core.fakeQuantize(x, o));
      expect(quant.fakeQuantizeWithError(x, o)).toEqual(core.fakeQuantizeWithError(x, o));
      expect(quant.computeQParams(x, o)).toEqual(core.computeQParams(x, o));
      expect(await quant.quantizeAsync(x, o)).toEqual(qt);
    }
    const out = new Int8Array(x.length);
    quant.kernels.quantizeTensor(x, 0.1, 0, { qmin: -128, qmax: 127, profile: 'onnx' }, out);
    const want = new Int8Array(x.length);
    core.kernels.quantizeTensor(x, 0.1, 0, { qmin: -128, qmax: 127, profile: 'onnx' }, want);
    expect(out).toEqual(want);
    const grid = { schemes: ['affine', 'symmetric'] as const, bits: [4, 8] };
    expect(quant.analyze(x, grid)).toEqual(core.analyze(x, grid));
  });

  it('validates with core’s error codes', () => {
    expect(() => quant.quantize(new Float32Array(4), { bits: 1 })).toThrow(expect.objectContaining({ code: core.ErrorCodes.BITS }));
    expect(() => quant.kernels.pack(new Int8Array(3), 4, new Uint8Array(1))).toThrow(expect.objectContaining({ code: core.ErrorCodes.PACKED }));
  });

  it('describes the selected backend', () => {
    const info = quant.backendInfo();
    expect(['native', 'reference']).toContain(info.name);
    expect(info.version).toBe(core.VERSION);
  });
});
