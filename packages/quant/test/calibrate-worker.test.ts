import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { computeQParams, type CalibrationSpec } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createQuantizer } from '../src/index.js';
import { nativeAvailability } from './helpers.js';

/*
 * Issue 19: calibrators that take seconds (entropy with many bins, mse on large data) ran synchronously inside
 * quantizeAsync: the event loop stopped and an abort acted only at the end. The adapter now gives the async API a
 * worker thread for the long searches (search-worker.ts); the passes over the data run on the backend's async kernels
 * or in slices. The worker's script is part of the built package, so these tests run the built dist in a fresh
 * process (fixtures/calibrate-async.mjs), as users get it; they need `pnpm build`.
 */

const fixture = fileURLToPath(new URL('./fixtures/calibrate-async.mjs', import.meta.url));

function run(backend: string, scenario: string): { out: Record<string, unknown>; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [fixture, backend, scenario], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${scenario} on ${backend} exited with ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return { out: JSON.parse(r.stdout) as Record<string, unknown>, status: r.status, stderr: r.stderr };
}

const available = await nativeAvailability();
const backends = available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? ['reference', 'native'] : ['reference'];

describe.each(backends)('calibration in quantizeAsync on %s, built', (backend) => {
  it('gives the synchronous parameters, bit for bit, for a long search of every calibrator', () => {
    expect(run(backend, 'identical').out['same']).toEqual(Array(10).fill(true));
  }, 180_000);

  it('runs the search off the JavaScript thread: the event loop stays mostly idle', () => {
    // Synchronously the main thread is busy the whole time (utilisation 1).
    expect(run(backend, 'off-thread').out['utilization']).toBeLessThan(0.5);
  }, 120_000);

  it('rejects promptly when aborted mid-search', () => {
    const { out } = run(backend, 'abort');
    expect(out['outcome']).toBe('AbortError');
    // Generous bounds for "does not run on": the target is about 100 ms; the search alone takes about 3/4 of wholeMs.
    expect(out['afterAbortMs']).toBeLessThan(Math.min(1000, (out['wholeMs'] as number) / 2));
  }, 120_000);

  it('neither lets the process exit under a pending top-level await nor keeps it alive afterwards', () => {
    // run() fails when the process exits early (status 13: unsettled top-level await) or hangs (killed at the timeout).
    const { out } = run(backend, 'top-level');
    expect(out['scale']).toBe(out['expected']);
  }, 120_000);
});

describe('calibration in quantizeAsync from the TypeScript sources (no worker script beside them)', () => {
  it('runs the long searches on the main thread in chunks, with the same results', async () => {
    const q = createQuantizer({ backend: 'reference' });
    const x = Float32Array.from({ length: 100_000 }, (_, i) => ((i * 7919) % 100_000) / 100_000 - 0.5);
    const range: CalibrationSpec = { method: 'entropy', bins: 4096, startBin: 1 };
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      if (!counting) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const qt = await q.quantizeAsync(x, { range, scheme: 'symmetric' });
    counting = false;
    expect(qt.scale).toBe(computeQParams(x, { range, scheme: 'symmetric' }).scale);
    expect(turns).toBeGreaterThan(30); // the event loop turned between the chunks of the search
  }, 60_000);
});
