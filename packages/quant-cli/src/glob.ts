import { fail } from './errors.js';
import { visible } from './safe-text.js';

/**
 * Glob patterns on tensor names: `*` matches any run of characters (dots included, so `*.bias` matches
 * `layers.0.attn.bias`), `?` one character, `[abc]` / `[!abc]` / `[a-z]` a character class (a `]` right after the
 * `[` or `[!` belongs to the class); everything else is literal. A pattern matches the whole name.
 *
 * A pattern that cannot mean what was typed is a usage error rather than a pattern that silently matches nothing:
 * an empty pattern, a `[` without its `]` (write `[[]` for a literal `[`), a reversed range such as `[z-a]`.
 */
export function globToRegExp(pattern: string, flag = 'glob'): RegExp {
  const invalid = (why: string): never => fail('USAGE', `--${flag} '${visible(pattern)}' is not a valid glob: ${why}`);
  if (pattern === '') invalid('it is empty (it would match no tensor name)');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let start = i + 1;
      const negate = pattern[start] === '!' || pattern[start] === '^';
      if (negate) start++;
      const close = pattern.indexOf(']', pattern[start] === ']' ? start + 1 : start);
      if (close < 0) invalid(`the '[' at position ${i + 1} has no closing ']' (to match a '[' itself, write '[[]')`);
      const body = pattern.slice(start, close);
      checkRanges(body, invalid);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Refuses a range whose ends are reversed ('z-a'), which a RegExp would reject with a less helpful message. */
function checkRanges(body: string, invalid: (why: string) => never): void {
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] !== '-' || k + 2 >= body.length) continue;
    if (body.charCodeAt(k) > body.charCodeAt(k + 2)) invalid(`the range '${visible(body.slice(k, k + 3))}' is reversed`);
    k += 2;
  }
}

/** One --include or --exclude pattern, compiled. */
export interface GlobOption {
  readonly flag: 'include' | 'exclude';
  readonly pattern: string;
  readonly re: RegExp;
}

/** The --include/--exclude patterns of a run, validated once before any file is read. */
export class NameFilter {
  readonly include: readonly GlobOption[];
  readonly exclude: readonly GlobOption[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map((pattern) => ({ flag: 'include', pattern, re: globToRegExp(pattern, 'include') }));
    this.exclude = exclude.map((pattern) => ({ flag: 'exclude', pattern, re: globToRegExp(pattern, 'exclude') }));
  }

  /** Whether any pattern was given at all. */
  get active(): boolean {
    return this.include.length > 0 || this.exclude.length > 0;
  }

  /** Included when no --include is given or one matches, and no --exclude matches. */
  selects(name: string): boolean {
    return (this.include.length === 0 || this.include.some((g) => g.re.test(name))) && !this.exclude.some((g) => g.re.test(name));
  }
}

/** Selects tensor names: included when no --include is given or one matches, and no --exclude matches. */
export function nameFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const filter = new NameFilter(include, exclude);
  return (name) => filter.selects(name);
}

/** "--include 'a*'" for messages. */
export function describeGlob(g: GlobOption): string {
  return `--${g.flag} '${visible(g.pattern)}'`;
}
