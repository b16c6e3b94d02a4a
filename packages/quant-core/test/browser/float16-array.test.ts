import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, fakeQuantize, numberToFloat16, quantize } from '../../src/index.js';

/*
 * Float16Array inputs and outputs where a runtime has them (SPEC §12): Node 20 lacks Float16Array, Chromium has it.
 * The built package (dist/, plain ES modules) is served to Debian's headless Chromium (/usr/bin/chromium, driven by
 * playwright-core, which downloads no browser) and run there on Float16Array data; every result must equal what
 * Node computes from the same float16 bits in a Uint16Array with dtype 'float16'. It also proves the reference loads
 * in a browser: no Node built-in, no request outside dist/, no console error.
 *
 * Without /usr/bin/chromium the test is skipped (packages/quant-cli/scripts/install-browser.sh installs it), unless
 * QUANT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const required = process.env.QUANT_REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

if (!available && !required) console.warn(`float16-array.test.ts skipped: ${CHROMIUM} not found (packages/quant-cli/scripts/install-browser.sh; QUANT_REQUIRE_BROWSER=1 makes this a failure)`);

/** Serves dist/ (and a blank page) on 127.0.0.1; anything else is a 404, recorded. */
function serveDist(misses: string[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>quantkit</title>');
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks for it on its own
      return;
    }
    const file = normalize(join(dist, path));
    if (!file.startsWith(dist) || file.endsWith(sep) || !existsSync(file)) {
      misses.push(path);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

// Values of every kind: normal, subnormal, ±0, ±Inf, NaN, the largest finite float16 (±Inf needs an explicit range).
const VALUES = [0, -0, 1, -1, 0.1, -2.5, 65504, -65504, 6e-8, -6e-8, 3.14159, 1000.5, Infinity, -Infinity, NaN, 42, -0.333];
const FINITE = VALUES.filter((v) => Number.isFinite(v) && Math.abs(v) < 1e4);

interface BrowserResult {
  readonly hasFloat16Array: boolean;
  readonly codes: number[];
  readonly scale: number;
  readonly zeroPoint: number;
  readonly dtype: string;
  readonly backBits: number[];
  readonly backIsFloat16Array: boolean;
  readonly fakeBits: number[];
  readonly axisCodes: number[];
}

describe.skipIf(!available && !required)('Float16Array in Chromium', () => {
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let server: Server | undefined;
  let page: Page;
  let origin = '';
  const misses: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    expect(existsSync(join(dist, 'index.js')), 'build quant-core first (pnpm build)').toBe(true);
    ({ server, origin } = await serveDist(misses));
    profile = mkdtempSync(join(tmpdir(), 'quant-core-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${origin}/`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('quantizes, dequantizes and fake-quantizes Float16Array data as Node does the same bits', async () => {
    // A string, not a function: vitest rewrites import() in test code, and the page must use the browser's own.
    const result = (await page.evaluate(`(async () => {
      const q = await import(${JSON.stringify(`${origin}/index.js`)});
      const values = ${JSON.stringify(VALUES.map(String))}.map(Number);
      const finite = ${JSON.stringify(FINITE)};
      if (typeof Float16Array === 'undefined') return { hasFloat16Array: false };
      const bitsOf = (a) => Array.from(new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2));
      const qt = q.quantize(new Float16Array(values), { scheme: 'affine', bits: 8, range: { min: -65504, max: 65504 } });
      const out = new Float16Array(values.length);
      const back = q.dequantize(qt, out);
      const fake = q.fakeQuantize(new Float16Array(finite), { scheme: 'symmetric', bits: 4 });
      const axis = q.quantize(new Float16Array([...finite, ...finite]), { shape: [2, finite.length], granularity: { axis: 0 }, bits: 6 });
      return {
        hasFloat16Array: true,
        codes: Array.from(qt.data),
        scale: qt.scale,
        zeroPoint: qt.zeroPoint,
        dtype: qt.dtype,
        backBits: bitsOf(back),
        backIsFloat16Array: back === out,
        fakeBits: bitsOf(fake),
        axisCodes: Array.from(axis.data),
      };
    })()`)) as BrowserResult;

    expect(result.hasFloat16Array).toBe(true);
    const bits = Uint16Array.from(VALUES, numberToFloat16);
    const qt = quantize(bits, { dtype: 'float16', scheme: 'affine', bits: 8, range: { min: -65504, max: 65504 } });
    expect(result.dtype).toBe('float16');
    expect(result.codes).toEqual(Array.from(qt.data));
    expect(result.scale).toBe(qt.scale);
    expect(result.zeroPoint).toBe(qt.zeroPoint);
    expect(result.backIsFloat16Array).toBe(true);
    expect(result.backBits).toEqual(Array.from(dequantize(qt, { dtype: 'float16' })));
    const finiteBits = Uint16Array.from(FINITE, numberToFloat16);
    expect(result.fakeBits).toEqual(Array.from(fakeQuantize(finiteBits, { dtype: 'float16', scheme: 'symmetric', bits: 4 })));
    const pair = Uint16Array.from([...FINITE, ...FINITE], numberToFloat16);
    expect(result.axisCodes).toEqual(Array.from(quantize(pair, { dtype: 'float16', shape: [2, FINITE.length], granularity: { axis: 0 }, bits: 6 }).data));
    expect(errors).toEqual([]);
    expect(misses).toEqual([]);
  }, 60_000);
});
