import { allocateOrLimit } from '../limits.js';
import type { GroupRanges } from '../ranges.js';
import { calibrationDataOf, rangeOf, type CalibrationTarget } from './calibrators.js';
import { groupsOf } from './groups.js';
import { Pacer, runCalibrationAsync, type AsyncCalibrationEnv } from './run-async.js';
import { isCalibrationSpec, resolveCalibration } from './spec.js';

/** Whether quantize options ask for a calibrator (range: { method }) rather than explicit parameters. */
export function calibratesRange(options: { readonly range?: unknown; readonly scale?: unknown; readonly zeroPoint?: unknown }): boolean {
  return isCalibrationSpec(options.range) && options.scale === undefined && options.zeroPoint === undefined;
}

/**
 * calibrateGroups for the async API: the same ranges, bit for bit, computed without holding the JavaScript thread for
 * long (run-async.ts says how). 'minmax' is `minmax()`, the async API's own min/max pass on the backend.
 */
export async function calibrateGroupsAsync(target: CalibrationTarget, spec: unknown, env: AsyncCalibrationEnv, minmax: () => Promise<GroupRanges>): Promise<GroupRanges> {
  const r = resolveCalibration(spec);
  if (r.method === 'minmax') return minmax();
  const g = target.granularity;
  const min = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  const max = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  const pacer = new Pacer(env.checkpoint);
  for (const [i, values] of groupsOf(calibrationDataOf(target), g)) {
    const range = await runCalibrationAsync(rangeOf(values, r, target), env, pacer);
    // Other code may have run during the await (the input detached, the signal aborted) before the next group is read.
    env.checkpoint();
    min[i] = range.min;
    max[i] = range.max;
    if (pacer.spend(values.length)) await pacer.turn(); // a gathered group was copied at once
  }
  return { min, max };
}
