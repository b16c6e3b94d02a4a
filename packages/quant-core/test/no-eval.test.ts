import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The reference compiles nothing from strings, so it runs where eval is forbidden (a CSP without 'unsafe-eval',
 * Cloudflare Workers, `node --disallow-code-generation-from-strings`). This test reads the sources and the built
 * package for the ways to do it; scripts/check-no-eval.mjs (run by `pnpm test` after vitest) runs the built package
 * with code generation disabled.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The Function constructor (with or without `new`, or reached through a constructor property) and eval. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['Function constructor', /\bFunction\s*\(/],
  ['constructor call', /\.constructor\s*\(\s*['"`]/],
  ['eval', /\beval\s*\(/],
  ['indirect eval', /\(\s*0\s*,\s*eval\s*\)/],
];

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []));
}

function offences(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return FORBIDDEN.filter(([, re]) => re.test(text)).map(([what]) => `${relative(packageDir, file)}: ${what}`);
}

describe('no code generation from strings', () => {
  it('the patterns catch what they are for', () => {
    const hits = (s: string): boolean => FORBIDDEN.some(([, re]) => re.test(s));
    for (const s of ['new Function("a", "return a")', 'Function("return 1")()', 'eval(src)', '(0, eval)(src)', 'f.constructor("return 1")']) expect(hits(s), s).toBe(true);
    for (const s of ['isFunction(x)', 'typeof f === "function"', 'evaluate(x)', 'reEvaluate(y)']) expect(hits(s), s).toBe(false);
  });

  it('src/ has none', () => {
    const sources = files(join(packageDir, 'src'), '.ts');
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.flatMap(offences)).toEqual([]);
    expect(existsSync(join(packageDir, 'src/kernels/specialize.ts'))).toBe(false);
  });

  it('the built dist/ has none (run the build first)', () => {
    const dist = join(packageDir, 'dist');
    expect(existsSync(join(dist, 'index.js')), 'dist/index.js is missing: build the package first').toBe(true);
    const built = files(dist, '.js');
    expect(built.length).toBeGreaterThan(10);
    expect(built.flatMap(offences)).toEqual([]);
  });
});
