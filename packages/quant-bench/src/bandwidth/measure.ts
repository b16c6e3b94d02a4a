import { Worker } from 'node:worker_threads';
import { JS_KERNELS, loadProbes, type BandwidthKernels } from './kernels.js';
import { CONTROL, CONTROL_SLOTS, MODE_COPY, MODE_READ, STOP } from './protocol.js';

/*
 * This machine's memory bandwidth, the yardstick of the large-size rows (limits.ts). Both figures are the BEST of
 * several repetitions (as STREAM reports), because they stand for what the memory system can do, while kernel figures
 * are medians. Read bandwidth counts bytes read; copy bandwidth counts bytes read plus bytes written.
 */

export interface Bandwidth {
  /** Bytes per second. */
  readonly read: number;
  readonly copy: number;
  /** Medians, for reference (noise on a shared machine shows as a gap between median and best). */
  readonly readMedian: number;
  readonly copyMedian: number;
}

export interface BandwidthResult {
  readonly source: 'addon' | 'js';
  /** Why the JavaScript stand-in was used, when it was. */
  readonly note?: string;
  /** Floats per buffer (all threads together). */
  readonly floats: number;
  readonly repetitions: number;
  readonly oneThread: Bandwidth;
  readonly twoThreads: Bandwidth | { readonly unavailable: string };
}

function stats(samples: number[]): { best: number; median: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { best: s[s.length - 1]!, median: s[Math.floor(s.length / 2)]! };
}

function oneThread(k: BandwidthKernels, floats: number, repetitions: number): Bandwidth {
  const src = new Float32Array(floats).fill(1);
  const dst = new Float32Array(floats);
  k.copy(src, dst); // touch every page of dst once before timing
  k.read(src);
  const reads: number[] = [];
  const copies: number[] = [];
  let sink = 0;
  for (let r = 0; r < repetitions; r++) {
    let t0 = performance.now();
    sink += k.read(src);
    reads.push((floats * 4) / ((performance.now() - t0) / 1000));
    t0 = performance.now();
    k.copy(src, dst);
    copies.push((floats * 8) / ((performance.now() - t0) / 1000));
  }
  // Every element is 1, so the sums are known: a probe that skipped reads (or a miswired binding) shows here.
  const expected = floats * repetitions;
  if (!(Math.abs(sink - expected) <= expected * 1e-6)) throw new Error(`the read probe summed ${sink}, expected ${expected}`);
  const r = stats(reads);
  const c = stats(copies);
  return { read: r.best, copy: c.best, readMedian: r.median, copyMedian: c.median };
}

/** Two threads at once (this one and a worker), each on its own half; a repetition ends when both are done. */
async function twoThreads(k: BandwidthKernels, floats: number, repetitions: number): Promise<Bandwidth> {
  const half = Math.floor(floats / 2);
  const shared = new SharedArrayBuffer(CONTROL_SLOTS * 4);
  const control = new Int32Array(shared);
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { control: shared, floats: half, source: k.source } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const src = new Float32Array(half).fill(1);
    const dst = new Float32Array(half);
    let generation = 0;
    const both = (mode: number): number => {
      generation++;
      Atomics.store(control, CONTROL.MODE, mode);
      const t0 = performance.now();
      Atomics.store(control, CONTROL.GO, generation);
      Atomics.notify(control, CONTROL.GO);
      if (mode === MODE_COPY) k.copy(src, dst);
      else k.read(src);
      while (Atomics.load(control, CONTROL.DONE) !== generation) Atomics.wait(control, CONTROL.DONE, generation - 1, 1000);
      return (performance.now() - t0) / 1000;
    };
    both(MODE_COPY); // warm-up: touch the pages on both sides
    both(MODE_READ);
    const reads: number[] = [];
    const copies: number[] = [];
    for (let r = 0; r < repetitions; r++) {
      reads.push((half * 2 * 4) / both(MODE_READ));
      copies.push((half * 2 * 8) / both(MODE_COPY));
    }
    const r = stats(reads);
    const c = stats(copies);
    return { read: r.best, copy: c.best, readMedian: r.median, copyMedian: c.median };
  } finally {
    Atomics.store(control, CONTROL.GO, STOP);
    Atomics.notify(control, CONTROL.GO);
    await worker.terminate();
  }
}

/** Measures with the native probes (quant_bench_probes.node) when they load, else with the JavaScript stand-in. */
export async function measureBandwidth(floats: number, repetitions: number): Promise<BandwidthResult> {
  const probes = loadProbes();
  const k = probes.ok ? probes.kernels : JS_KERNELS;
  const note = probes.ok
    ? undefined
    : `JavaScript stand-in (copy: dst.set(src); read: a plain loop), because ${probes.reason}: the read figure can understate the machine`;
  const one = oneThread(k, floats, repetitions);
  let two: Bandwidth | { unavailable: string };
  try {
    two = await twoThreads(k, floats, repetitions);
  } catch (error) {
    two = { unavailable: `two-thread measurement failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { source: k.source, ...(note !== undefined ? { note } : {}), floats, repetitions, oneThread: one, twoThreads: two };
}
