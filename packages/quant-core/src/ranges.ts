import type { Backend } from './backend.js';
import { allocateOrLimit } from './limits.js';
import type { ResolvedGranularity } from './layout.js';
import type { FloatArray, HalfDType } from './types.js';

/** Per-group minimum and maximum, as parameter selection uses them. */
export interface GroupRanges {
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/** The 'minmax' range: per-group min/max of the data (NaN ignored), measured by the backend's reduction kernels. */
export function measureGroupRanges(x: FloatArray, g: ResolvedGranularity, backend: Backend): GroupRanges {
  const min = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  const max = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  if (g.kind === 'tensor') {
    const r = backend.minMax(x);
    min[0] = r.min;
    max[0] = r.max;
  } else if (g.kind === 'axis') backend.minMaxAxis(x, g.layout, min, max);
  else backend.minMaxBlocked(x, g.layout, min, max);
  return { min, max };
}

/** measureGroupRanges of half-precision bits, by the backend's half kernels (no float32 copy). */
export function measureHalfGroupRanges(bits: Uint16Array, half: HalfDType, g: ResolvedGranularity, backend: Backend): GroupRanges {
  const min = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  const max = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  if (g.kind === 'tensor') {
    const r = backend.minMaxHalf(bits, half);
    min[0] = r.min;
    max[0] = r.max;
  } else if (g.kind === 'axis') backend.minMaxAxisHalf(bits, half, g.layout, min, max);
  else backend.minMaxBlockedHalf(bits, half, g.layout, min, max);
  return { min, max };
}
