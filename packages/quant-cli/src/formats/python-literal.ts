/**
 * A parser for the Python literal a .npy header holds: a dict of strings, booleans, None, integers, tuples and lists
 * (ast.literal_eval's subset that numpy writes). Tuples and lists become arrays, dicts become Maps.
 */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

export class PyLiteralError extends Error {}

/**
 * How deeply containers may nest. numpy's own headers nest a few levels (a structured dtype's fields); the limit keeps
 * the recursive parser far from the call stack's end on a hostile header.
 */
export const MAX_NESTING = 64;

export function parsePythonLiteral(text: string): PyValue {
  let i = 0;

  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expect = (c: string): void => {
    skipSpace();
    if (text[i] !== c) throw new PyLiteralError(`expected '${c}' at position ${i}, found ${text[i] === undefined ? 'end of text' : `'${text[i]}'`}`);
    i++;
  };

  const parseString = (): string => {
    const quote = text[i]!;
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        const next = text[i + 1];
        if (next === undefined) break;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== quote) throw new PyLiteralError('unterminated string');
    i++;
    return out;
  };

  const parseSequence = (close: string, depth: number): PyValue[] => {
    const items: PyValue[] = [];
    for (;;) {
      skipSpace();
      if (text[i] === close) {
        i++;
        return items;
      }
      items.push(parseValue(depth));
      skipSpace();
      if (text[i] === ',') i++;
      else if (text[i] !== close) throw new PyLiteralError(`expected ',' or '${close}' at position ${i}`);
    }
  };

  const parseDict = (depth: number): Map<string, PyValue> => {
    const map = new Map<string, PyValue>();
    for (;;) {
      skipSpace();
      if (text[i] === '}') {
        i++;
        return map;
      }
      const key = parseValue(depth);
      if (typeof key !== 'string') throw new PyLiteralError('dict keys must be strings');
      expect(':');
      map.set(key, parseValue(depth));
      skipSpace();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') throw new PyLiteralError(`expected ',' or '}' at position ${i}`);
    }
  };

  /** `depth`: how many containers enclose the value. */
  function parseValue(depth: number): PyValue {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') {
      if (depth >= MAX_NESTING) throw new PyLiteralError(`containers nested deeper than ${MAX_NESTING} levels at position ${i}`);
      i++;
      return c === '{' ? parseDict(depth + 1) : parseSequence(c === '(' ? ')' : ']', depth + 1);
    }
    if (c === "'" || c === '"') return parseString();
    const word = /^(True|False|None|[+-]?\d+L?)/.exec(text.slice(i, i + 40));
    if (!word) throw new PyLiteralError(`unexpected ${c === undefined ? 'end of text' : `'${c}'`} at position ${i}`);
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', '')); // Python 2 wrote longs as 3L
  }

  const value = parseValue(0);
  skipSpace();
  if (i !== text.length) throw new PyLiteralError(`unexpected text after the literal at position ${i}`);
  return value;
}
