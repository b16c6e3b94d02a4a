import { ErrorCodes, fail, QuantError } from './errors.js';

/**
 * The most (scale, zero point) groups one tensor may have. A tensor with data has at most one group per element, so
 * only an empty tensor (a zero dimension beside a huge one, as a 90-byte file can declare) can ask for more groups than
 * it has elements; 2^30 groups already need 16 GiB of parameters and ranges.
 */
export const MAX_GROUPS = 2 ** 30;

/** ERR_QUANT_LIMIT above MAX_GROUPS. */
export function checkGroupCount(groups: number, what: string): void {
  if (!(groups <= MAX_GROUPS)) {
    fail(ErrorCodes.LIMIT, `${what} has ${groups} quantization groups; at most ${MAX_GROUPS} (2^30) are supported`);
  }
}

/** Runs an allocation of `count` elements; an allocation the engine refuses (RangeError) is ERR_QUANT_LIMIT. */
export function allocateOrLimit<T>(count: number, allocate: (count: number) => T): T {
  try {
    return allocate(count);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new QuantError(ErrorCodes.LIMIT, `cannot allocate an array of ${count} elements (${error.message})`, { cause: error });
    }
    throw error;
  }
}
