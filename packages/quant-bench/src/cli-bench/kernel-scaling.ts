import { ggmlRowBytes } from '@quantkit/quant-core';
import { loadNative } from '../backends.js';
import { benchInput } from '../data.js';

/*
 * The two-thread speedup of the quantizer `quant gguf` spends its time in, measured in this process on the same
 * machine as the CLI runs: the native q4_k kernel (most tensors of a q4_k_m model) on 4M float32 elements with one and
 * with two threads of the addon's pool, repetitions interleaved, medians. The CLI adds reading, widening, messaging and
 * writing to that work, so its speedup cannot exceed this one: on a machine whose two CPUs do not give the kernel twice
 * the throughput (shared core resources, a hypervisor's other guests), the CLI's ×1.7 target can be out of reach.
 */

export interface KernelScaling {
  readonly format: 'q4_k';
  readonly elements: number;
  /** Elements per second, median of the repetitions. */
  readonly oneThread: number;
  readonly twoThreads: number;
  readonly speedup: number;
}

const ELEMENTS = 4 << 20;
const REPETITIONS = 7;

const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** undefined when the native addon cannot be loaded (the CLI rows then ran on another backend anyway). */
export async function measureKernelScaling(): Promise<KernelScaling | undefined> {
  const load = await loadNative();
  if (!load.ok) return undefined;
  const backends = [1, 2].map((threads) => load.native.createNativeBackend({ threads }));
  const x = benchInput(ELEMENTS);
  const out = new Uint8Array(ggmlRowBytes('q4_k', ELEMENTS));
  const times: number[][] = [[], []];
  for (let r = 0; r <= REPETITIONS; r++) {
    for (const [k, b] of backends.entries()) {
      const t0 = process.hrtime.bigint();
      b.ggmlQuantize(x, 'q4_k', out);
      if (r > 0) times[k]!.push(Number(process.hrtime.bigint() - t0) / 1e9); // repetition 0 warms up
    }
  }
  const [oneThread, twoThreads] = times.map((t) => ELEMENTS / median(t)) as [number, number];
  return { format: 'q4_k', elements: ELEMENTS, oneThread, twoThreads, speedup: twoThreads / oneThread };
}
