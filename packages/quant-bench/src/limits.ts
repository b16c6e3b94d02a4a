import type { Bandwidth } from './bandwidth/measure.js';
import type { Pass } from './ops/index.js';

/*
 * The memory-bound limit of an operation (docs/BENCHMARKS.md, "The memory-bound model"): the fastest it could run if
 * the only cost were moving its bytes between memory and the core. Each pass over the data costs, per element,
 *   read-only pass:        read / readBandwidth
 *   read-and-write pass:   (read + write) / copyBandwidth
 * (copy bandwidth already counts the bytes read plus the bytes written), and the limit in elements per second is one
 * over the sum. E.g. quantize f32 → u8 moves 4 + 1 bytes per element in one pass: limit = copyBandwidth / 5.
 */
export function secondsPerElement(passes: readonly Pass[], bw: Pick<Bandwidth, 'read' | 'copy'>): number {
  let s = 0;
  for (const p of passes) s += p.write === 0 ? p.read / bw.read : (p.read + p.write) / bw.copy;
  return s;
}

/** Elements per second at the memory-bound limit. */
export function limitElementsPerSecond(passes: readonly Pass[], bw: Pick<Bandwidth, 'read' | 'copy'>): number {
  return 1 / secondsPerElement(passes, bw);
}

/** Bytes moved per element, all passes together. */
export function bytesPerElement(passes: readonly Pass[]): number {
  return passes.reduce((a, p) => a + p.read + p.write, 0);
}

/** Sizes whose figures are reported against the limit: large enough not to fit in cache. */
export const LIMIT_MIN_SIZE = 4 * 1024 * 1024;
