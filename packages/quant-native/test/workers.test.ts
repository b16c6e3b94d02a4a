import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { referenceBackend } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { describeNative, floatData, native, sameBits } from './helpers.js';

const script = new URL('./fixtures/addon-worker.mjs', import.meta.url);

interface Result {
  isa: string;
  abiVersion: number;
  sync: Uint8Array;
  async: Uint8Array;
  range: Float64Array;
}

function run(data: object): { worker: Worker; result: Promise<Result> } {
  const worker = new Worker(script, { workerData: data });
  const result = new Promise<Result>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before answering`)));
  });
  return { worker, result };
}

describeNative('the addon in worker_threads', () => {
  it('loads and runs in two worker_threads at once (each with its own instance state and pool)', async () => {
    const n = 300_001;
    const shared = new SharedArrayBuffer(n * 4);
    new Float32Array(shared).set(floatData('float32', n, 12));
    const x = new Float32Array(shared);
    const expected = new Uint8Array(n);
    referenceBackend.quantizeTensor(x, 0.1, 128, { qmin: 0, qmax: 255, profile: 'onnx' }, expected);
    const runs = ['auto', 'scalar'].map((isa) => run({ path: native.loaded!.path, isa, shared }));
    // The main thread uses the addon at the same time.
    const mine = new Uint8Array(n);
    createNativeBackend({ threads: 2, addon: native.loaded! }).quantizeTensor(x, 0.1, 128, { qmin: 0, qmax: 255, profile: 'onnx' }, mine);
    const results = await Promise.all(runs.map((r) => r.result));
    await Promise.all(runs.map((r) => r.worker.terminate()));
    expect(sameBits(mine, expected)).toBeUndefined();
    expect(results.map((r) => r.isa)).toStrictEqual([native.loaded!.addon.isa, 'scalar']);
    const range = referenceBackend.minMax(x);
    for (const r of results) {
      expect(r.abiVersion).toBe(native.loaded!.addon.abiVersion);
      expect(sameBits(r.sync, expected)).toBeUndefined();
      expect(sameBits(r.async, expected)).toBeUndefined();
      expect([r.range[0], r.range[1]]).toStrictEqual([range.min, range.max]);
    }
  });

  it('terminating a worker while its async call runs leaves the process healthy', async () => {
    const shared = new SharedArrayBuffer(16);
    const { worker, result } = run({ path: native.loaded!.path, isa: 'scalar', shared, mode: 'terminate' });
    const started = await result;
    expect(started).toStrictEqual({ started: true });
    expect(await worker.terminate()).toBe(1);
    // The main thread's instance is unaffected.
    const out = new Int8Array(3);
    createNativeBackend({ addon: native.loaded! }).quantizeTensor(Float32Array.from([1, -2, 300]), 1, 0, { qmin: -128, qmax: 127, profile: 'onnx' }, out);
    expect(Array.from(out)).toStrictEqual([1, -2, 127]);
  });
});
