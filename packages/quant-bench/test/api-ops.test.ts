import { referenceBackend, resolveGranularity, type Backend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { backendColumns, loadNative } from '../src/backends.js';
import { benchInput } from '../src/data.js';
import { API_OPERATIONS, API_OUT_OPERATIONS, apiBlockShape } from '../src/ops/api.js';
import { BLOCK_SIZE } from '../src/ops/layouts.js';
import { FULL_SIZES } from '../src/options.js';

const native = backendColumns(await loadNative()).find((c) => c.id === 'native-avx2')?.backend;

describe('the API rows', () => {
  it.each(FULL_SIZES)('blocked shape at %i elements: holds the input, blocks of 32 along the last axis', (n) => {
    const shape = apiBlockShape(n);
    expect(shape[0] * shape[1]).toBe(n);
    expect(resolveGranularity({ axis: 1, blockSize: BLOCK_SIZE }, shape).kind).toBe('block');
  });

  it.each(API_OPERATIONS.map((o) => [o.id, o] as const))('%s allocates a fresh output per call', (_, op) => {
    const prepared = op.prepare(benchInput(4096, 7), { producer: referenceBackend, withOrt: false });
    prepared.run(referenceBackend);
    const first = prepared.result!();
    prepared.run(referenceBackend);
    expect(prepared.result!()).not.toBe(first);
    expect(Array.from(prepared.result!())).toEqual(Array.from(first));
  });

  it.each(API_OUT_OPERATIONS.map((o) => [o.id, o] as const))('%s writes into the one output it reuses', (_, op) => {
    const prepared = op.prepare(benchInput(4096, 7), { producer: referenceBackend, withOrt: false });
    prepared.run(referenceBackend);
    const first = prepared.result!();
    const values = Array.from(first);
    prepared.run(referenceBackend);
    expect(prepared.result!()).toBe(first);
    expect(Array.from(prepared.result!())).toEqual(values);
  });

  it.skipIf(native === undefined).each([...API_OPERATIONS, ...API_OUT_OPERATIONS].map((o) => [o.id, o] as const))('%s: native computes what the reference computes', (_, op) => {
    for (const n of [20, 4096, 12288]) {
      const prepared = op.prepare(benchInput(n, n), { producer: referenceBackend, withOrt: false });
      prepared.run(referenceBackend);
      const expected = Array.from(prepared.result!());
      prepared.run(native as Backend);
      expect(Array.from(prepared.result!()), `${op.id} at ${n} elements`).toEqual(expected);
    }
  });
});
