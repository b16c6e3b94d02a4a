import type { GroupRange } from './engine.js';

/**
 * Merges per-shard group ranges: min of mins, max of maxes, group by group. Exact (no arithmetic), so the merged range
 * is the whole tensor's min/max, which is what `quant quantize` measures (NaN ignored in both).
 */
export function mergeRanges(parts: readonly GroupRange[]): GroupRange {
  if (parts.length === 0) throw new Error('internal error: no shard ranges to merge');
  const groups = parts[0]!.min.length;
  const min = new Array<number>(groups).fill(Infinity);
  const max = new Array<number>(groups).fill(-Infinity);
  for (const p of parts) {
    if (p.min.length !== groups || p.max.length !== groups) throw new Error(`internal error: shard ranges of ${p.min.length} and ${groups} groups`);
    for (let g = 0; g < groups; g++) {
      if (p.min[g]! < min[g]!) min[g] = p.min[g]!;
      if (p.max[g]! > max[g]!) max[g] = p.max[g]!;
    }
  }
  return { min, max };
}

export type EncodedRange = { min: (number | string)[]; max: (number | string)[] };

/** JSON has no infinities and drops the sign of zero: those travel as strings ('Infinity', '-0'), the rest as numbers. */
export function encodeRange(r: GroupRange): EncodedRange {
  const enc = (v: number): number | string => (Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? '-0' : v));
  return { min: r.min.map(enc), max: r.max.map(enc) };
}

export function decodeRange(r: EncodedRange): GroupRange {
  return { min: r.min.map(Number), max: r.max.map(Number) };
}
