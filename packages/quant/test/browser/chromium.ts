import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/*
 * Debian's headless Chromium (/usr/bin/chromium through playwright-core, which downloads no browser) on a page served
 * by a local server, for the browser tests of this folder: console errors and page errors are collected.
 */
export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** CI sets QUANT_REQUIRE_BROWSER=1: a missing browser is then a failure, not a skip. */
export const browserRequired = process.env.QUANT_REQUIRE_BROWSER === '1';
export const browserAvailable = existsSync(CHROMIUM);

export interface BrowserPage {
  readonly page: Page;
  readonly origin: string;
  /** Console errors and uncaught page errors so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts `server` on a free loopback port and opens `path` of it in a fresh Chromium profile. */
export async function openPage(server: Server, path: string): Promise<BrowserPage> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const profile = mkdtempSync(join(tmpdir(), 'quantkit-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}${path}`);
    const opened = context;
    return {
      page,
      origin,
      errors,
      async close() {
        await opened.close();
        server.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
