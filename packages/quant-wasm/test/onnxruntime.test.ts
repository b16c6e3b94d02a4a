import { ORACLE_TYPES, runHalfOnnxRuntimeOracle, runOnnxRuntimeOracle, type OrtModule } from '@quantkit/quant-conformance';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';

/*
 * ONNX Runtime (onnxruntime-node, the real CPU binary) as an oracle for the wasm backend: the conformance package's
 * models built in code, random data with specials, compared byte for byte in the 'onnx' profile.
 */
const oracle = ort as unknown as OrtModule;
const wasm = createWasmBackend();

describe('onnxruntime oracle vs the wasm backend', () => {
  it('QuantizeLinear: every type, per tensor / per axis / blocked, with and without zero point', async () => {
    const r = await runOnnxRuntimeOracle(oracle, wasm, 'QuantizeLinear', { seed: 2024 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.total).toBe(ORACLE_TYPES.length * 9 * 2);
    expect(r.passed).toBe(r.total);
    expect(r.elements).toBeGreaterThan(100_000);
  }, 120_000);

  it('DequantizeLinear: every type, per tensor / per axis / blocked, with and without zero point', async () => {
    const r = await runOnnxRuntimeOracle(oracle, wasm, 'DequantizeLinear', { seed: 2025 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.passed).toBe(ORACLE_TYPES.length * 9 * 2);
  }, 120_000);

  it('float16 tensors: codes and float16 dequantized values equal QuantizeLinear / DequantizeLinear on float16 models', async () => {
    const r = await runHalfOnnxRuntimeOracle(oracle, wasm, { seed: 7 });
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.passed).toBe(r.total);
  }, 120_000);
});
