import { join } from 'node:path';
import { randomF32 } from './data.js';
import { withOutliers } from './outliers.js';
import { bytesOf, writeSafetensorsSpec } from './spec-files.js';

/**
 * The model the report tests use: `w` with outliers (the calibrators disagree), `big` above the --max-elements the
 * tests pass (so it is sampled), a 1-D `bias`, an integer tensor (not analysed) and `extra`, beyond --max-tensors 3.
 */
export const REPORT_TENSORS = {
  w: { shape: [16, 64], x: withOutliers(16 * 64, 31, { 9: 12, 600: -9 }) },
  big: { shape: [300, 100], x: randomF32(300 * 100, 32, 2) },
  bias: { shape: [64], x: randomF32(64, 33, 0.05) },
  extra: { shape: [4, 4], x: randomF32(16, 34) },
} as const;

/** Arguments that make `big` sampled (4,096 < 30,000 values) and leave `extra` out (--max-tensors 3). */
export const REPORT_LIMITS = ['--max-elements', '4096', '--max-tensors', '3'];

export function writeReportModel(dir: string): string {
  const path = join(dir, 'model.safetensors');
  const t = REPORT_TENSORS;
  writeSafetensorsSpec(path, [
    { name: 'w', dtype: 'F32', shape: [...t.w.shape], bytes: bytesOf(t.w.x) },
    { name: 'big', dtype: 'F32', shape: [...t.big.shape], bytes: bytesOf(t.big.x) },
    { name: 'step', dtype: 'I64', shape: [1], bytes: bytesOf(new BigInt64Array([1000n])) },
    { name: 'bias', dtype: 'F32', shape: [...t.bias.shape], bytes: bytesOf(t.bias.x) },
    { name: 'extra', dtype: 'F32', shape: [...t.extra.shape], bytes: bytesOf(t.extra.x) },
  ]);
  return path;
}
