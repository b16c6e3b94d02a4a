import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The two memory-bandwidth probes: native (native/src/bench/bandwidth.cc, built as its own small addon,
 * native/build/Release/quant_bench_probes.node, beside the production addon and not part of it) when that file loads,
 * else a clearly labelled JavaScript stand-in.
 */
export interface BandwidthKernels {
  readonly source: 'addon' | 'js';
  /** Reads every float of x once (returns their sum so the reads cannot be optimised away). */
  read(x: Float32Array): number;
  /** Copies src into dst (same length). */
  copy(src: Float32Array, dst: Float32Array): void;
}

/** What quant_bench_probes.node exports (native/src/bench/probes_addon.cc). */
interface ProbesAddon {
  benchRead(x: Float32Array): number;
  benchCopy(src: Float32Array, dst: Float32Array): void;
}

/** native/build/Release/quant_bench_probes.node of this repository (src/bandwidth/ and dist/bandwidth/ are 4 levels deep). */
export const PROBES_PATH: string = fileURLToPath(new URL('../../../../native/build/Release/quant_bench_probes.node', import.meta.url));

/** A plain read loop with four accumulators (V8 does not vectorise it: it can understate the read bandwidth). */
function jsRead(x: Float32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = x.length - (x.length % 4);
  for (let i = 0; i < n; i += 4) {
    a += x[i]!;
    b += x[i + 1]!;
    c += x[i + 2]!;
    d += x[i + 3]!;
  }
  for (let i = n; i < x.length; i++) a += x[i]!;
  return a + b + c + d;
}

export const JS_KERNELS: BandwidthKernels = {
  source: 'js',
  read: jsRead,
  // TypedArray.prototype.set between arrays of one type is a memmove inside V8.
  copy: (src, dst) => dst.set(src),
};

export type ProbesLoad = { readonly ok: true; readonly kernels: BandwidthKernels } | { readonly ok: false; readonly reason: string };

/** Loads the native probes from `path`, or says why they are unavailable (each thread loads its own). */
export function loadProbes(path: string = PROBES_PATH): ProbesLoad {
  if (!existsSync(path)) return { ok: false, reason: `${path} does not exist (build it with \`pnpm build\`, which builds the native addons)` };
  let addon: Partial<ProbesAddon>;
  try {
    addon = createRequire(import.meta.url)(path) as Partial<ProbesAddon>;
  } catch (error) {
    return { ok: false, reason: `${path} failed to load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  const { benchRead, benchCopy } = addon;
  if (typeof benchRead !== 'function' || typeof benchCopy !== 'function') return { ok: false, reason: `${path} has no benchRead/benchCopy` };
  return { ok: true, kernels: { source: 'addon', read: (x) => benchRead(x), copy: (src, dst) => benchCopy(src, dst) } };
}
