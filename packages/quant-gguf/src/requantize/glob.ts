import { fail } from '../errors.js';

/**
 * A glob on tensor names, matching the whole name, as the quant CLI's --include/--exclude read them: `*` any run of
 * characters (dots included), `?` one character, `[abc]`, `[!abc]`, `[a-z]` a class; everything else literal.
 * An empty pattern or an unclosed `[` is E_GGUF_OPTION rather than a pattern that silently matches nothing.
 */
export function globPattern(glob: string): RegExp {
  if (typeof glob !== 'string' || glob === '') fail('E_GGUF_OPTION', `a typeFor glob must be a non-empty string, got ${JSON.stringify(glob)}`);
  const parts: string[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' || c === '?') {
      parts.push(c === '*' ? '.*' : '.');
      continue;
    }
    if (c !== '[') {
      parts.push(c.replace(/[.+^${}()|\\\]]/g, '\\$&'));
      continue;
    }
    const negate = glob[i + 1] === '!' || glob[i + 1] === '^';
    const from = i + (negate ? 2 : 1);
    const close = glob.indexOf(']', glob[from] === ']' ? from + 1 : from);
    if (close < 0) fail('E_GGUF_OPTION', `typeFor glob '${glob}': the '[' at position ${i + 1} has no closing ']' (write '[[]' for a literal '[')`);
    parts.push(`[${negate ? '^' : ''}${glob.slice(from, close).replace(/[\\\]^]/g, '\\$&')}]`);
    i = close;
  }
  try {
    return new RegExp(`^${parts.join('')}$`, 's');
  } catch (e) {
    return fail('E_GGUF_OPTION', `typeFor glob '${glob}' is not valid: ${(e as Error).message}`);
  }
}
