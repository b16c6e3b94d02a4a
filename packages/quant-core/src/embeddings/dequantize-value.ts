import type { Int8Rounding } from './types.js';

/*
 * The value a scalar code stands for (docs/EMBEDDINGS.md §4): the middle of the interval of bucket positions
 * t = (x - start) / step that give the code,
 *   uint8 u:                  p = u + 0.5                      (t in [u, u + 1))
 *   int8 c, 'floor':          p = c + 128.5                    (the uint8 bucket c + 128)
 *   int8 c, 'toward-zero':    p = c + 128 + 0.5 * sign(c)      (t in (c + 127, c + 128] below 0, (127, 129) at 0)
 *   v = fl(start + fl(p * step))                               (p is exact; fl: the working precision)
 * An empty dimension (step 0) gives `start`, its one value. The asymmetric scoring kernels score against these values.
 */

/** How the codes of a scalar batch map to buckets. */
export type ScalarCodeKind = 'uint8' | 'int8' | 'int8-toward-zero';

export function scalarCodeKind(signed: boolean, int8Rounding: Int8Rounding | undefined): ScalarCodeKind {
  if (!signed) return 'uint8';
  return int8Rounding === 'toward-zero' ? 'int8-toward-zero' : 'int8';
}

/** The bucket position p of a code (see above). */
export function codePosition(code: number, kind: ScalarCodeKind): number {
  if (kind === 'uint8') return code + 0.5;
  if (kind === 'int8') return code + 128.5;
  return code + 128 + (code > 0 ? 0.5 : code < 0 ? -0.5 : 0);
}

export function codeValueFloat32(code: number, kind: ScalarCodeKind, start: number, step: number): number {
  return Math.fround(start + Math.fround(codePosition(code, kind) * step));
}

export function codeValueFloat64(code: number, kind: ScalarCodeKind, start: number, step: number): number {
  return start + codePosition(code, kind) * step;
}
