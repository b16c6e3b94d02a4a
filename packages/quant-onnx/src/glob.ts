import { OnnxError, OnnxErrorCodes } from './errors.js';

/**
 * A glob on tensor names: `*` matches any run of characters (dots and slashes included), `?` one character,
 * everything else itself; the pattern matches the whole name.
 */
export function globToRegExp(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern === '') {
    throw new OnnxError(OnnxErrorCodes.OPTION, `exclude patterns must be non-empty strings, got ${JSON.stringify(pattern)}`);
  }
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}
