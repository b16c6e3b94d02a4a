import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'rolldown';
import type { WasmBenchResult, WasmRow } from './results.js';

/*
 * The browser rows: browser-entry.ts bundled for the browser, served with quant_kernels.wasm to Debian's headless
 * Chromium (/usr/bin/chromium through playwright-core), timed inside the page.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function wasmFile(): string {
  const pkg = createRequire(import.meta.url).resolve('@quantkit/quant-wasm/package.json');
  return join(dirname(pkg), 'dist', 'quant_kernels.wasm');
}

export async function browserRows(minMs: number, reps: number): Promise<WasmBenchResult['browser']> {
  if (!existsSync(CHROMIUM)) return { unavailable: `${CHROMIUM} not found (packages/quant-cli/scripts/install-browser.sh installs it)` };
  const entry = fileURLToPath(new URL('../../src/wasm/browser-entry.ts', import.meta.url));
  const out = await build({ input: entry, platform: 'browser', write: false, output: { format: 'esm' }, logLevel: 'silent' });
  const bundle = out.output[0].code;
  const files: Record<string, [string, () => Buffer | string]> = {
    '/': ['text/html', () => '<!doctype html><title>quantkit wasm bench</title>'],
    '/bench.js': ['text/javascript', () => bundle],
    '/quant_kernels.wasm': ['application/wasm', () => readFileSync(wasmFile())],
  };
  const server: Server = createServer((req, res) => {
    const f = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (f === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[0] }).end(f[1]());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    // A string, so no transform of the bench's own code touches the page's dynamic import.
    const rows = (await page.evaluate(`import('/bench.js').then((m) => m.measureBrowser('/quant_kernels.wasm', ${minMs}, ${reps}))`)) as WasmRow[];
    return { version: browser.version(), rows };
  } finally {
    await browser.close();
    server.close();
  }
}
