import { expect, it } from 'vitest';
import type { FloatArray, KernelSpec } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { describeNative, floatData, native } from './helpers.js';

// In a file of its own, so garbage collection of other tests' large arrays does not land inside the measurement.
describeNative('async calls do not block the JavaScript thread', () => {
  const single = createNativeBackend({ isa: 'scalar', threads: 1, addon: native.loaded! });
  const spec: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };

  it('the event loop stays responsive while large async calls run', async () => {
    // Calibrate: a sync call must take long enough that blocking the loop would be unmistakable (fake-quantize is the
    // slowest kernel per element: it also sums the error metrics).
    let n = 1 << 20;
    let x: FloatArray;
    let syncMs: number;
    for (;;) {
      x = floatData('float64', n, 6, { edges: false });
      const t = performance.now();
      single.fakeQuantizeTensor(x, 0.1, 0, spec, new Float64Array(n));
      syncMs = performance.now() - t;
      if (syncMs >= 90 || n >= 1 << 23) break;
      n *= 2;
    }
    expect(syncMs, 'the call is too fast to tell a blocked loop from jitter').toBeGreaterThanOrEqual(20);
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    let shortestCall = Infinity;
    try {
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await single.fakeQuantizeTensorAsync(x, 0.1, 0, spec, new Float64Array(n));
        shortestCall = Math.min(shortestCall, performance.now() - t);
      }
    } finally {
      clearInterval(timer);
    }
    // Had a call blocked the loop, one gap would be about as long as that call (>= 90 ms once calibrated). Timer jitter
    // stays a few ms on a quiet machine (measured: p50 ~1 ms, max ~11 ms); a third of a call leaves room for a busy
    // shared machine and still catches any blocking.
    const limit = shortestCall / 3;
    expect(maxGap, `max timer gap ${maxGap.toFixed(1)} ms; async calls took >= ${shortestCall.toFixed(0)} ms (sync: ${syncMs.toFixed(0)} ms)`).toBeLessThan(limit);
  });
});
