/*
 * Why kernels are instantiated per array type.
 *
 * V8 optimises a typed-array access for the array classes it has seen at that site. Past four classes the site turns
 * megamorphic and a quantize loop drops from ~230 M to ~22 M elements/s on this project's machine (measured). A
 * reference loop that serves Int8/Uint8/Int16/Uint16 outputs from Float32/Float64 inputs would hit that at once.
 *
 * So each loop is written once, as source text, and compiled into a separate function per (input class, output class)
 * with `new Function`. Every instance has its own feedback and stays monomorphic; the arithmetic exists in one place.
 */

type Kernel = (...args: never[]) => void;

const cache = new Map<string, Kernel>();

/**
 * Returns the instance of `source` for the given key, compiling it on first use. `source` is the body of a function
 * taking `params`; `constants` are bound by name (they become parameters of an outer factory, not globals).
 */
export function specialize<F extends Kernel>(key: string, params: readonly string[], source: string, constants: Record<string, unknown> = {}): F {
  let fn = cache.get(key);
  if (fn === undefined) {
    const names = Object.keys(constants);
    const factory = new Function(...names, `return function ${key.replace(/\W/g, '_')}(${params.join(', ')}) {\n${source}\n};`);
    fn = factory(...names.map((n) => constants[n])) as Kernel;
    cache.set(key, fn);
  }
  return fn as F;
}

/** A stable name for a typed array's class ('Float32Array', 'Uint8Array', ...). */
export function arrayClass(a: ArrayBufferView): string {
  return a.constructor.name;
}
