/**
 * JSON.parse keeps the last of duplicate keys silently (and a reviver cannot see the others), so a header naming a
 * tensor twice would be read as whichever entry came last. This scan finds duplicates itself.
 */

/** A key found twice in one object: `path` holds the keys leading to that object ('[]' for an array level). */
export interface DuplicateKey {
  readonly path: readonly string[];
  readonly key: string;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The first key that appears twice in one object, among objects at most `maxDepth` levels deep (1: the keys of the
 * top-level object; 2: also the keys of the objects directly inside it, and so on). `text` must be valid JSON: parse
 * it first, this only looks at the keys. One pass, no recursion, memory bounded by the keys of the levels checked.
 */
export function findDuplicateKey(text: string, maxDepth: number): DuplicateKey | undefined {
  const keysAt: (Set<string> | undefined)[] = []; // keysAt[d]: keys so far of the open object at depth d
  const path: string[] = []; // path[d - 1]: the key at depth d whose value is the open container at depth d + 1
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth <= maxDepth) {
        keysAt[depth] = c === OPEN_OBJECT ? new Set() : undefined;
        path.length = depth - 1;
        if (c === OPEN_ARRAY) path.push('[]');
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      const keys = depth <= maxDepth ? keysAt[depth] : undefined;
      if (keys === undefined) continue; // a string in an array, or deeper than asked
      let next = i + 1;
      while (isJsonSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== COLON) continue; // a value, not a key
      // Keys are compared decoded: "a" and "\u0061" are the same key.
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (keys.has(key)) return { path: path.slice(0, depth - 1), key };
      keys.add(key);
      path[depth - 1] = key;
    }
  }
  return undefined;
}
