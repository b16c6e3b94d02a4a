import { describeValue } from './describe-value.js';
import { ErrorCodes, fail } from './errors.js';

/* The `signal` option of the async calls and what an abort rejects with. */

/** The part of the DOM/Node.js AbortSignal that quantkit uses (core has no Node.js or DOM types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface AsyncOptions {
  /** Aborting rejects the call with an AbortError; the work stops at the next chunk boundary. */
  readonly signal?: AbortSignalLike;
}

/** What an aborted async call rejects with: `name` 'AbortError' and `code` 'ABORT_ERR' (as Node.js's own), `cause` = signal.reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(options?: { cause?: unknown }) {
    super('The operation was aborted', options);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError({ cause: signal.reason });
}

/**
 * The `signal` option: undefined, or an AbortSignal (anything with a boolean `aborted` and add/removeEventListener;
 * core has no DOM types). Anything else, null included, is ERR_QUANT_OPTION.
 */
export function checkSignal(signal: unknown): AbortSignalLike | undefined {
  if (signal === undefined) return undefined;
  const s = signal as Partial<AbortSignalLike> | null;
  if (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function' || typeof s.removeEventListener !== 'function') {
    fail(ErrorCodes.OPTION, `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return s as AbortSignalLike;
}
