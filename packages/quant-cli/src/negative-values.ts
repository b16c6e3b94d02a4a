/*
 * node:util parseArgs refuses `--axis -1`: a value starting with '-' looks like another option to it, and only
 * `--axis=-1` is accepted. Options whose documented values include negative numbers (--axis) and those where a
 * negative number deserves a range message rather than a parse error (--threads -1) should take them as written, so
 * before parsing, an option that takes a value and is followed by a negative number is joined with it.
 */

type ValueOptions = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** '-1', '-0.5', '-.5', '-1e3': a negative number, never an option name (options start with a letter). */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** The long name of a `--name` or `-x` token that takes a value, or undefined. */
function valueOptionOf(token: string, options: ValueOptions): string | undefined {
  let name: string | undefined;
  if (token.startsWith('--') && !token.includes('=')) name = token.slice(2);
  else if (/^-[^-]$/.test(token)) name = Object.keys(options).find((k) => options[k]!.short === token[1]);
  if (name === undefined || !Object.hasOwn(options, name)) return undefined;
  return options[name]!.type === 'string' ? name : undefined;
}

/** `args` with every `--option <negative number>` pair written as `--option=<negative number>`. */
export function joinNegativeValues(args: readonly string[], options: ValueOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      out.push(...args.slice(i)); // everything after '--' is positional
      break;
    }
    const next = args[i + 1];
    const name = valueOptionOf(token, options);
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}
