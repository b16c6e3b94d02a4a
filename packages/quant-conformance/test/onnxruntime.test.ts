import { referenceBackend } from '@quantkit/quant-core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ORACLE_TYPES, runHalfOnnxRuntimeOracle, runOnnxRuntimeOracle, type OrtModule } from '../src/index.js';

/*
 * ONNX Runtime (onnxruntime-node 1.30, the real CPU binary) as an oracle: models built in code by src/onnx, random
 * data with specials, compared byte for byte with the reference in the 'onnx' profile.
 */

const oracle = ort as unknown as OrtModule;

describe('onnxruntime oracle vs the reference backend', () => {
  it('QuantizeLinear: every type, per tensor / per axis / blocked, with and without zero point', async () => {
    const r = await runOnnxRuntimeOracle(oracle, referenceBackend, 'QuantizeLinear', { seed: 2024 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.total).toBe(ORACLE_TYPES.length * 9 * 2);
    expect(r.passed).toBe(r.total);
    expect(r.elements).toBeGreaterThan(100_000);
    // onnxruntime's documented bugs were hit (and the backend's correct result was required there instead).
    expect(r.knownDivergences).toBeGreaterThan(0);
  }, 120_000);

  it('DequantizeLinear: every type, per tensor / per axis / blocked, with and without zero point', async () => {
    const r = await runOnnxRuntimeOracle(oracle, referenceBackend, 'DequantizeLinear', { seed: 2025 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.passed).toBe(ORACLE_TYPES.length * 9 * 2);
  }, 120_000);

  it('catches a backend that disagrees with onnxruntime (reciprocal multiply in the onnx profile)', async () => {
    const reciprocal = { ...referenceBackend, quantizeTensor: (x: Float32Array | Float64Array, s: number, z: number, spec: { qmin: number; qmax: number }, out: Int8Array | Uint8Array | Int16Array | Uint16Array) => referenceBackend.quantizeTensor(x, s, z, { ...spec, profile: 'pytorch' }, out) };
    const r = await runOnnxRuntimeOracle(oracle, reciprocal, 'QuantizeLinear', { seed: 2024, types: ['int8', 'uint16'] });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.failures.join('\n')).toMatch(/first at index \d+: input=.*expected=.*actual=/);
  }, 120_000);

  it('float16 tensors: codes and float16 dequantized values equal QuantizeLinear / DequantizeLinear on float16 models', async () => {
    const r = await runHalfOnnxRuntimeOracle(oracle, referenceBackend, { seed: 7 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.total).toBe(20);
    expect(r.passed).toBe(r.total);
  }, 120_000);
});
