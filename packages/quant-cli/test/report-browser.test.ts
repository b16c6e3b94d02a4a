import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_LIMITS, writeReportModel } from './helpers/report-fixture.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';

/*
 * Renders the report in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core, which downloads no
 * browser) and checks what a reader would see: the charts are laid out with a real size and the expected bars and
 * marks, the inline CSS applies, and the page logs no error and requests nothing.
 *
 * Without /usr/bin/chromium the test is skipped with the reason (scripts/install-browser.sh installs it), unless
 * QUANT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const required = process.env.QUANT_REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);
const SKIP_REASON = `${CHROMIUM} not found: install it with packages/quant-cli/scripts/install-browser.sh (QUANT_REQUIRE_BROWSER=1 makes this a failure)`;

if (!available && !required) console.warn(`report-browser.test.ts skipped: ${SKIP_REASON}`);

interface ChartInfo {
  title: string;
  width: number;
  height: number;
  bars: number;
  tallBars: number;
  clipLines: number;
  gridTicks: boolean;
}

describe('the report in headless Chromium', () => {
  const tmp = tempDir();
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const requests: string[] = [];
  let charts: ChartInfo[] = [];
  let title = '';
  let barFill = '';
  let headings: string[] = [];

  beforeAll(async () => {
    if (!available) return;
    checkBuilt();
    const model = writeReportModel(tmp.dir);
    const page = join(tmp.dir, 'report.html');
    const r = quant(['report', model, '-o', page, ...REPORT_LIMITS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    profile = mkdtempSync(join(tmpdir(), 'quant-chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
    const tab = await context.newPage();
    tab.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    tab.on('pageerror', (e) => pageErrors.push(e.message));
    tab.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? '?'}`));
    tab.on('request', (req) => requests.push(req.url()));
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    title = await tab.title();
    headings = await tab.locator('h1, h2').allTextContents();
    barFill = await tab.locator('svg.chart rect.bar').first().evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).fill as string);
    charts = await tab.locator('svg.chart').evaluateAll((els) =>
      els.map((svg) => {
        const box = svg.getBoundingClientRect();
        const bars = [...svg.querySelectorAll('rect.bar')];
        return {
          title: svg.querySelector('title')?.textContent ?? '',
          width: box.width,
          height: box.height,
          bars: bars.length,
          tallBars: bars.filter((b) => b.getBoundingClientRect().height > 0).length,
          clipLines: svg.querySelectorAll('line.clip').length,
          gridTicks: svg.querySelector('path.grid') !== null,
        };
      }),
    );
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    tmp.cleanup();
  });

  it('has a browser to run in', (ctx) => {
    if (!available && !required) ctx.skip(SKIP_REASON);
    expect(available, `${CHROMIUM} is missing and QUANT_REQUIRE_BROWSER=1: run packages/quant-cli/scripts/install-browser.sh`).toBe(true);
  });

  it('renders every chart with a real size, its bars and its marks', (ctx) => {
    if (!available) ctx.skip(SKIP_REASON);
    expect(title).toBe('Quantization report: model.safetensors');
    expect(headings).toEqual(expect.arrayContaining(['Quantization report: model.safetensors', 'w', 'big', 'bias', 'Tensors not analysed']));
    expect(charts.map((c) => c.title)).toEqual([
      'Values of w',
      expect.stringMatching(/^Quantization error of w \(/),
      'Values of big',
      expect.stringMatching(/^Quantization error of big \(/),
      'Values of bias',
      expect.stringMatching(/^Quantization error of bias \(/),
    ]);
    charts.forEach((c, i) => {
      const isValues = i % 2 === 0;
      expect(c.width, c.title).toBeGreaterThan(300);
      expect(c.height, c.title).toBeGreaterThan(100);
      expect(c.bars, c.title).toBe(isValues ? 80 : 60);
      expect(c.tallBars, c.title).toBeGreaterThan(isValues ? 5 : 2);
      expect(c.clipLines, c.title).toBe(2); // the clipping range, or ±scale/2 on the error chart
      expect(c.gridTicks, c.title).toBe(isValues);
    });
    expect(barFill).toBe('rgb(59, 111, 182)'); // the inline stylesheet applied despite the strict policy
  });

  it('logs no error and loads nothing but the page itself', (ctx) => {
    if (!available) ctx.skip(SKIP_REASON);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*report\.html$/);
  });
});
