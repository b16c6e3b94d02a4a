import type { ResolvedGranularity } from '../layout.js';
import type { FloatArray } from '../types.js';
import { HalfValues, type CalibrationData } from './half-values.js';

/**
 * Every quantization group in order, as [group index, the group's values as one contiguous array]: a view when the
 * group is contiguous in x (per-tensor, per-axis on the outermost axis, blocks along the innermost axis), otherwise a
 * gathered copy (in a scratch array reused between groups: a group's values are valid until the next one is asked for).
 * Half data gives half groups (its bits viewed or gathered, never widened).
 */
export function* groupsOf(x: CalibrationData, g: ResolvedGranularity): Generator<[group: number, values: CalibrationData], void, void> {
  if (!(x instanceof HalfValues)) {
    yield* groupsOfArray(x, g);
    return;
  }
  for (const [group, bits] of groupsOfArray(x.bits, g)) yield [group, new HalfValues(bits, x.half)];
}

function* groupsOfArray<T extends FloatArray | Uint16Array>(x: T, g: ResolvedGranularity): Generator<[group: number, values: T], void, void> {
  if (g.kind === 'tensor') {
    yield [0, x];
    return;
  }
  if (x.length === 0) {
    // Every group is empty; the loops below would walk the outer rows of a shape such as [2^52, 0] for nothing.
    for (let group = 0; group < g.groups; group++) yield [group, x];
    return;
  }
  const Kind = x instanceof Float32Array ? Float32Array : x instanceof Float64Array ? Float64Array : Uint16Array;
  const make = (n: number): T => new Kind(n) as T;
  if (g.kind === 'axis') {
    const { outer, channels, inner } = g.layout;
    if (outer === 1) {
      for (let c = 0; c < channels; c++) yield [c, x.subarray(c * inner, (c + 1) * inner) as T];
      return;
    }
    const buf = make(outer * inner);
    for (let c = 0; c < channels; c++) {
      for (let o = 0; o < outer; o++) {
        const start = (o * channels + c) * inner;
        (buf as Uint16Array).set(x.subarray(start, start + inner) as Uint16Array, o * inner);
      }
      yield [c, buf];
    }
    return;
  }
  const { outer, dim, inner, blockSize } = g.layout;
  const blocks = Math.ceil(dim / blockSize);
  const buf = make(blockSize);
  for (let o = 0; o < outer; o++) {
    for (let b = 0; b < blocks; b++) {
      const d0 = b * blockSize;
      const len = Math.min(blockSize, dim - d0);
      for (let i = 0; i < inner; i++) {
        const group = (o * blocks + b) * inner + i;
        if (inner === 1) {
          const start = o * dim + d0;
          yield [group, x.subarray(start, start + len) as T];
          continue;
        }
        const view = buf.subarray(0, len) as T;
        for (let d = 0; d < len; d++) view[d] = x[(o * dim + d0 + d) * inner + i]!;
        yield [group, view];
      }
    }
  }
}
