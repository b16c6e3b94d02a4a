import { describeValue } from './describe-value.js';
import { ErrorCodes, QuantError } from './errors.js';

/** A setting as messages show it: strings quoted as written (they come from environment variables), anything else by type. */
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : describeValue(value));

/*
 * Backend settings (the `threads` / `isa` options and the QUANT_THREADS / QUANT_NATIVE_ISA environment variables),
 * parsed in one place for every package. A malformed value is always an error with a stable code, whichever backend
 * ends up serving the calls: configuration mistakes are never silently replaced by a default.
 */

/** The most threads one call may use. */
export const MAX_THREADS = 256;

/**
 * A thread count from an option (a number; undefined when not given) or, with `fromEnv`, an environment variable (a
 * string of digits; undefined or '' when unset). Anything else throws ERR_QUANT_NATIVE_THREADS naming `source`.
 */
export function parseThreadsSetting(value: unknown, source: string, fromEnv = false): number | undefined {
  if (value === undefined || (fromEnv && value === '')) return undefined;
  const n = fromEnv && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new QuantError(ErrorCodes.NATIVE_THREADS, `${source} must be an integer in 1..${MAX_THREADS}, got ${shown(value)}`);
  }
  return n;
}

/**
 * A kernel-set request: 'auto' or a kernel set's name (lower-case letters and digits, such as 'avx2' or 'scalar');
 * undefined when unset (with `fromEnv`, '' is unset too). Which names exist on this CPU is the native addon's to say; a value that cannot be a name at
 * all throws ERR_QUANT_NATIVE_ISA naming `source`.
 */
export function parseIsaSetting(value: unknown, source: string, fromEnv = false): string | undefined {
  if (value === undefined || (fromEnv && value === '')) return undefined;
  if (typeof value !== 'string' || !/^[a-z][a-z0-9_]*$/.test(value)) {
    throw new QuantError(ErrorCodes.NATIVE_ISA, `${source} must be 'auto' or a kernel set name such as 'avx2' or 'scalar', got ${shown(value)}`);
  }
  return value;
}
