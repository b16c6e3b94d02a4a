import { expect } from 'vitest';
import { QuantError } from '../../src/index.js';

/** The code of the QuantError that `fn` throws (expecting nothing else), or undefined when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QuantError);
    return (e as QuantError).code;
  }
  return undefined;
}

/** The code of the QuantError that `promise` rejects with (expecting nothing else), or undefined when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(QuantError);
    return (e as QuantError).code;
  }
  return undefined;
}
