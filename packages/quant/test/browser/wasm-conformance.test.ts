import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserRequired, CHROMIUM, openPage, type BrowserPage } from './chromium.js';
import type { BrowserReport } from './wasm-entry.js';

/*
 * The WebAssembly backend in a real browser (issue 12): an ESM bundle of @quantkit/quant (built dist/) with
 * @quantkit/quant-wasm and the vitest-free conformance checks (wasm-entry.ts, bundled here by rolldown for the
 * browser), served with quant_kernels.wasm and the conformance corpus to Debian's headless Chromium (/usr/bin/chromium
 * through playwright-core, as packages/quant-core/test/browser/float16-array.test.ts does). The page compiles the
 * module asynchronously, runs every conformance family except the ONNX Runtime oracle (which needs Node) and hands the
 * totals back. The bundle must contain no Node built-in (browser-shims.ts stands in for the ones its modules name);
 * no request may miss, no console error may appear.
 *
 * Without /usr/bin/chromium the test is skipped (packages/quant-cli/scripts/install-browser.sh installs it), unless
 * QUANT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const wasmFile = fileURLToPath(new URL('../../node_modules/@quantkit/quant-wasm/dist/quant_kernels.wasm', import.meta.url));
const corpusDir = fileURLToPath(new URL('../../node_modules/@quantkit/quant-conformance/corpus/', import.meta.url));
/** The differential's elements in the browser: the 10 million Node runs too. */
const DIFFERENTIAL_ELEMENTS = 10_000_000;
const NODE_BUILTINS = ['node:fs', 'node:url', 'node:path', 'node:module', 'node:worker_threads'];

/** The page's script: loads the corpus, then the bundle, and runs it (called by the test through quantRun). */
const RUNNER = `
globalThis.quantRun = async (elements, seed) => {
  const names = await (await fetch('/corpus.json')).json();
  const corpus = {};
  for (const n of names) corpus[n] = await (await fetch('/corpus/' + n)).text();
  Object.assign(globalThis, { __QUANT_CORPUS__: corpus, process: { env: {} } });
  const m = await import('/bundle.js');
  return m.runAll('/quant_kernels.wasm', elements, seed);
};`;

if (!browserAvailable && !browserRequired) console.warn(`wasm-conformance.test.ts skipped: ${CHROMIUM} not found (packages/quant-cli/scripts/install-browser.sh; QUANT_REQUIRE_BROWSER=1 makes this a failure)`);

/** Serves `files` (path -> contents); anything else is a 404, recorded in `misses`. */
function server(files: Record<string, () => Buffer | string>, misses: string[]): Server {
  const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const file = files[path];
    if (file === undefined) {
      misses.push(path);
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : (types[extname(path)] ?? 'application/octet-stream') }).end(file());
  });
}

describe.skipIf(!browserAvailable && !browserRequired)('the WebAssembly backend in Chromium', () => {
  let browser: BrowserPage | undefined;
  let bundle = '';
  const misses: string[] = [];

  beforeAll(async () => {
    expect(browserAvailable, `${CHROMIUM} is required (QUANT_REQUIRE_BROWSER=1)`).toBe(true);
    expect(existsSync(wasmFile), 'build @quantkit/quant-wasm first (pnpm build)').toBe(true);
    const shims = join(here, 'browser-shims.ts');
    const out = await build({
      input: join(here, 'wasm-entry.ts'),
      platform: 'browser',
      resolve: { alias: Object.fromEntries(NODE_BUILTINS.map((m) => [m, shims])) },
      write: false,
      // Names browser-shims.ts does not define (the adapter's worker code, never run here) become undefined.
      shimMissingExports: true,
      output: { format: 'esm' },
      logLevel: 'silent',
    });
    bundle = out.output[0].code;
    const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.json'));
    const files: Record<string, () => Buffer | string> = {
      '/': () => '<!doctype html><title>quantkit wasm</title><script type="module" src="/run.js"></script>',
      '/run.js': () => RUNNER,
      '/bundle.js': () => bundle,
      '/quant_kernels.wasm': () => readFileSync(wasmFile),
      '/corpus.json': () => JSON.stringify(corpus),
    };
    for (const f of corpus) files[`/corpus/${f}`] = () => readFileSync(join(corpusDir, f));
    browser = await openPage(server(files, misses), '/');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('the bundle has no Node built-in', () => {
    expect(bundle.length).toBeGreaterThan(0);
    expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']node:/);
  });

  it('passes every conformance family (the ONNX Runtime oracle aside) on the wasm backend', async () => {
    const seed = 20261207;
    // A string, so that the test runner's transform leaves the page's dynamic import alone (RUNNER has the code).
    const report = (await browser!.page.evaluate(`quantRun(${DIFFERENTIAL_ELEMENTS}, ${seed})`)) as BrowserReport;
    expect(report.backend).toEqual({ name: 'wasm', isa: 'simd128' });
    expect(report.quantizeAgrees).toBe(true);
    const families = Object.keys(report.families);
    expect(families).toEqual(expect.arrayContaining(['onnx-vectors', 'views', 'histogram', 'errors', 'differential']));
    // The reference runs the same families in the same browser: where it misses the corpus (Chromium's Math.log10
    // differs from Node's in the last bit of a few sqnrDb values; core's async API uses setImmediate), wasm must miss
    // it identically. Anything else wasm misses is a failure.
    for (const [family, t] of Object.entries(report.families)) {
      const shared = new Set(report.referenceFamilies[family]?.failures ?? []);
      const own = t.failures.filter((f) => !shared.has(f));
      expect(own.slice(0, 5), `${family}: ${own.length} failures of the wasm backend alone`).toEqual([]);
      expect(t.total, family).toBeGreaterThan(0);
      expect(t.passed, family).toBeGreaterThan(0);
    }
    const platform = Object.values(report.referenceFamilies).flatMap((t) => t.failures);
    expect(platform.filter((f) => !/sqnrDb: expected|setImmediate is not defined/.test(f))).toEqual([]);
    expect(report.families['differential']!.elements).toBeGreaterThanOrEqual(DIFFERENTIAL_ELEMENTS);
    expect(misses).toEqual([]);
    expect(browser!.errors).toEqual([]);
  }, 600_000);
});
