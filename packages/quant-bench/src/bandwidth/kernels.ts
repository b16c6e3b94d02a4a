/**
 * The two memory-bandwidth probes: native (native/src/bench/bandwidth.cc, exported by the addon as benchRead and
 * benchCopy) when the loaded addon has them, else a clearly labelled JavaScript stand-in.
 */
export interface BandwidthKernels {
  readonly source: 'addon' | 'js';
  /** Reads every float of x once (returns their sum so the reads cannot be optimised away). */
  read(x: Float32Array): number;
  /** Copies src into dst (same length). */
  copy(src: Float32Array, dst: Float32Array): void;
}

/** What the addon exports when the bandwidth probes are wired in (native/src/binding/addon.cc). */
export interface BandwidthAddon {
  benchRead?(x: Float32Array): number;
  benchCopy?(src: Float32Array, dst: Float32Array): void;
}

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

/** The addon's probes if it has both, else undefined. */
export function addonKernels(addon: BandwidthAddon | undefined): BandwidthKernels | undefined {
  if (typeof addon?.benchRead !== 'function' || typeof addon.benchCopy !== 'function') return undefined;
  const read = addon.benchRead.bind(addon);
  const copy = addon.benchCopy.bind(addon);
  return { source: 'addon', read: (x) => read(x), copy: (src, dst) => copy(src, dst) };
}
