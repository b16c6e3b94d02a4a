import { referenceBackend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { benchInput } from '../src/data.js';
import { OPERATIONS } from '../src/ops/index.js';
import { loadOrt, openOrt } from '../src/ort.js';

/*
 * The ONNX Runtime columns must do the same work as the quantkit columns of their row: run every operation that has an
 * ONNX Runtime case on the reference and through the real onnxruntime-node, and compare the outputs element for
 * element. (Sizes are small; the benchmark's large sizes use the same builders.)
 */
const ort = await loadOrt();
const withOrt = OPERATIONS.filter((op) => op.prepare(new Float32Array(64).fill(0.25), { producer: referenceBackend, withOrt: true }).ort !== undefined);

describe.skipIf(!ort.ok)('ONNX Runtime cases compute what the quantkit columns compute', () => {
  it('covers every quantize and dequantize row and the full quantize', () => {
    expect(withOrt.map((o) => o.id)).toEqual(OPERATIONS.filter((o) => /^(quantize|dequantize)-/.test(o.id)).map((o) => o.id));
  });

  it.each(withOrt.map((o) => [o.id, o] as const))('%s', async (_, op) => {
    if (!ort.ok) return;
    for (const n of [20, 4096, 12288]) {
      const x = benchInput(n, n);
      const prepared = op.prepare(x, { producer: referenceBackend, withOrt: true });
      prepared.run(referenceBackend);
      const runner = await openOrt(ort.ort, prepared.ort!, 1);
      try {
        const outputs = (await runner.run()) as Record<string, { data: ArrayLike<number> }>;
        const name = Object.keys(prepared.ort!.outputs)[0]!;
        expect(Array.from(outputs[name]!.data), `${op.id} at ${n} elements`).toEqual(Array.from(prepared.result!()));
      } finally {
        await runner.release();
      }
    }
  });
});
