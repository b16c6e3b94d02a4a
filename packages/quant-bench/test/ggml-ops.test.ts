import { ggmlQuantizeRows, referenceBackend, type Backend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { backendColumns, loadNative } from '../src/backends.js';
import { benchInput } from '../src/data.js';
import { GGML_OPERATIONS } from '../src/ops/ggml.js';

const native = backendColumns(await loadNative()).find((c) => c.id === 'native-avx2')?.backend;
const rows = GGML_OPERATIONS.map((o) => [o.id, o, o.id.replace('ggml-quantize-', '')] as const);

describe('the GGML rows', () => {
  it.each(rows)('%s quantizes the input (reference)', (_, op, format) => {
    const x = benchInput(4096, 3);
    const prepared = op.prepare(x, { producer: referenceBackend, withOrt: false });
    prepared.run(referenceBackend);
    const expected = new Uint8Array(prepared.result!().length);
    ggmlQuantizeRows(x, format as Parameters<typeof ggmlQuantizeRows>[1], expected);
    expect(prepared.result!()).toEqual(expected);
  });

  it.each(rows)('%s at 20 elements quantizes one block: the 20 values, then zeros', (_, op, format) => {
    const x = benchInput(20, 5);
    const prepared = op.prepare(x, { producer: referenceBackend, withOrt: false });
    prepared.run(referenceBackend);
    const padded = new Float32Array(format.endsWith('_k') ? 256 : 32);
    padded.set(x);
    const expected = new Uint8Array(prepared.result!().length);
    ggmlQuantizeRows(padded, format as Parameters<typeof ggmlQuantizeRows>[1], expected);
    expect(prepared.result!()).toEqual(expected);
  });

  it.skipIf(native === undefined).each(rows)('%s: native writes the reference bytes', (_, op) => {
    for (const n of [20, 4096, 65536]) {
      const prepared = op.prepare(benchInput(n, n), { producer: referenceBackend, withOrt: false });
      prepared.run(referenceBackend);
      const expected = Array.from(prepared.result!());
      prepared.run(native as Backend);
      expect(Array.from(prepared.result!()), `${op.id} at ${n} elements`).toEqual(expected);
    }
  });
});
