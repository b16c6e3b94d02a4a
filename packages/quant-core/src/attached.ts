import type { AbortSignalLike } from './abort.js';
import { checkStillAttached } from './views.js';

/**
 * Awaits one backend call over `arrays`; when one of them was detached meanwhile, the call's outcome (a result
 * computed over vanished memory, or whatever error the backend met) becomes ERR_QUANT_DETACHED (an abort takes
 * precedence).
 */
export async function attached<T>(arrays: readonly (ArrayBufferView | undefined)[], call: string, signal: AbortSignalLike | undefined, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    if (!signal?.aborted) checkStillAttached(arrays, call);
    throw error;
  }
  checkStillAttached(arrays, call);
  return result;
}
