import { ErrorCodes, fail } from './errors.js';
import { describeValue, quoteString } from './describe-value.js';

/*
 * The option schema: which keys each options object of the API accepts, declared once per call. A key that is not
 * declared is ERR_QUANT_UNKNOWN_OPTION naming the closest declared one ("unknown option 'bitz' (did you mean
 * 'bits'?)"), so a typo never silently falls back to a default. A new option is one key added here, plus its
 * validation where the call reads it.
 *
 * Values: `undefined` means "not given" (the default applies, and an unknown key whose value is undefined is ignored
 * like an absent one); `null` is a value like any other, so `bits: null` is ERR_QUANT_BITS, not 8.
 */

const QUANTIZE_KEYS = ['scheme', 'bits', 'granularity', 'shape', 'range', 'narrowRange', 'profile', 'packed', 'scale', 'zeroPoint', 'out', 'dtype'] as const;
const ASYNC_KEYS = ['signal'] as const;

export const OPTION_SCHEMAS = Object.freeze({
  /** quantize, fakeQuantize, fakeQuantizeWithError, computeQParams (`out` is quantize's; the others refuse it by name). */
  quantize: QUANTIZE_KEYS,
  /** quantizeAsync and fakeQuantizeAsync. */
  quantizeAsync: [...QUANTIZE_KEYS, ...ASYNC_KEYS],
  dequantizeAsync: ['out', 'dtype', ...ASYNC_KEYS],
  /** The `granularity` option as an object. */
  granularity: ['axis', 'blockSize'],
  /** The `range` option as explicit bounds (a calibrator, `{ method, ... }`, has its own keys per method: calibrate/spec.ts). */
  range: ['min', 'max'],
  /** calibrateRange's options. */
  calibrateRange: ['scheme', 'bits', 'narrowRange', 'profile', 'granularity', 'shape'],
  /** analyze: one candidate, a grid of them, and the options. */
  analyzeCandidate: ['scheme', 'bits', 'granularity', 'calibrator', 'narrowRange', 'profile'],
  analyzeGrid: ['schemes', 'bits', 'granularities', 'calibrators', 'narrowRange', 'profile'],
  analyze: ['shape'],
} satisfies Record<string, readonly string[]>);

export type OptionSchemaName = keyof typeof OPTION_SCHEMAS;

const SETS = new Map<readonly string[], ReadonlySet<string>>();

function setOf(keys: readonly string[]): ReadonlySet<string> {
  let set = SETS.get(keys);
  if (set === undefined) {
    set = new Set(keys);
    SETS.set(keys, set);
  }
  return set;
}

/**
 * Checks that `options` (an object) has no key outside `allowed` (a schema of OPTION_SCHEMAS, or a package's own list);
 * `where` prefixes the key in the message ('granularity' gives 'granularity.blocksize'). O(number of keys).
 */
export function checkOptionKeys(options: object, allowed: readonly string[], where?: string): void {
  const known = setOf(allowed);
  for (const key of Object.keys(options)) {
    if (known.has(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const shown = quoteString(where === undefined ? key : `${where}.${key}`);
    const guess = closestKey(key, allowed);
    const hint = guess !== undefined ? `did you mean ${quoteString(guess)}?` : `valid options: ${allowed.join(', ')}`;
    fail(ErrorCodes.UNKNOWN_OPTION, `unknown option ${shown} (${hint})`);
  }
}

/** ERR_QUANT_OPTION unless `options` is undefined (no options) or an object; returns the options to read. */
export function optionsObject<T extends object>(options: T | undefined, call: string): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) fail(ErrorCodes.OPTION, `the options of ${call} must be an object, got ${describeValue(options)}`);
  return options;
}

/**
 * The declared key closest to `key` by edit distance (case-insensitive; transpositions count as one edit), when it is
 * close enough to be a likely typo: 1 edit for keys of up to 3 letters, 2 for longer ones.
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const k = key.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(k, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= (key.length <= 3 ? 1 : 2) ? best : undefined;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). Keys are short; this is O(|a| |b|). */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return a === b ? 0 : Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
