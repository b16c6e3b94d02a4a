/**
 * How error messages show a value a caller passed: its type and, for small values, the value itself ("the string '8'",
 * "the bigint 8n", "a Float32Array of 6 elements", "an array of 2 elements"). It never throws, whatever it is given
 * (a BigInt, a Symbol, an object whose toString or getters throw, a revoked Proxy), so formatting the message of a
 * QuantError can never replace it with a TypeError.
 */

const MAX_SHOWN_CHARS = 40;

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)!.get!;
const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length')!.get!;

/** A string shortened and quoted, control characters escaped (messages may end up on a terminal). */
export function quoteString(s: string): string {
  const short = s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}...` : s;
  // eslint-disable-next-line no-control-regex
  return `'${short.replace(/[\\']/g, '\\$&').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

// "an Int8Array", "an object", but "a Uint8Array" (said "you-int").
const article = (word: string): string => (/^(?:[aeio]|u(?!int))/i.test(word) ? `an ${word}` : `a ${word}`);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * An object's kind without calling its methods or getters: typed arrays by brand (with the intrinsic length getter),
 * arrays, then the class name found on the prototype. A Proxy's traps may still run; whatever they throw is caught.
 */
function describeObject(x: object): string {
  try {
    const tag = typedArrayTag.call(x) as string | undefined;
    if (tag !== undefined) {
      return `${article(tag)} of ${plural(typedArrayLength.call(x) as number, 'element')}`;
    }
    if (Array.isArray(x)) return `an array of ${plural(x.length, 'element')}`;
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto === null || proto === Object.prototype) return 'an object';
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
    const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
    return typeof name === 'string' && name !== '' ? article(name) : 'an object';
  } catch {
    // A revoked Proxy, or a Proxy whose traps throw.
    return 'an object';
  }
}

/** The value as a message shows it (see the comment at the top of this file). */
export function describeValue(x: unknown): string {
  switch (typeof x) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string ${quoteString(x)}`;
    case 'number':
      return Object.is(x, -0) ? '-0' : String(x);
    case 'bigint':
      return `the bigint ${x}n`;
    case 'boolean':
      return `the boolean ${x}`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return x === null ? 'null' : describeObject(x as object);
  }
}
