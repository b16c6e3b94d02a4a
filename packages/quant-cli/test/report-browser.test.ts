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

interface ParetoInfo {
  title: string;
  width: number;
  height: number;
  /** Each point's rendered centre and whether it is on the front, and the chart's plot box. */
  points: { x: number; y: number; front: boolean; fill: string }[];
  box: { left: number; top: number; right: number; bottom: number };
  frontLineLength: number;
  tableRows: number;
  caption: string;
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
  let pareto: ParetoInfo | undefined;

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
    pareto = await tab.locator('svg.chart.pareto').evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      const points = [...svg.querySelectorAll('circle.point')].map((c) => {
        const r = c.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2, front: c.classList.contains('front'), fill: c.ownerDocument.defaultView!.getComputedStyle(c).fill as string };
      });
      const line = svg.querySelector('polyline.front') as unknown as { getTotalLength(): number } | null;
      const section = svg.closest('section')!;
      return {
        title: svg.querySelector('title')?.textContent ?? '',
        width: box.width,
        height: box.height,
        points,
        box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom },
        frontLineLength: line ? line.getTotalLength() : 0,
        tableRows: section.querySelectorAll('table tbody tr').length,
        caption: section.querySelector('figcaption')?.textContent ?? '',
      };
    });
    charts = await tab.locator('svg.chart:not(.pareto)').evaluateAll((els) =>
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
      // The matrices' figures show a blocked candidate (one range per block: the dashed lines span their extent, no
      // single grid, no ±scale/2); the vector's a per-tensor one (its range, its grid, ±scale/2 on the error chart).
      const perTensor = c.title.includes('bias');
      expect(c.clipLines, c.title).toBe(isValues || perTensor ? 2 : 0);
      expect(c.gridTicks, c.title).toBe(isValues && perTensor);
    });
    expect(barFill).toBe('rgb(59, 111, 182)'); // the inline stylesheet applied despite the strict policy
  });

  it('renders the whole-file Pareto chart: every choice a point inside the plot, the front drawn and filled, its data in a table', (ctx) => {
    if (!available) ctx.skip(SKIP_REASON);
    const p = pareto!;
    expect(headings).toContain('The whole file: size against error');
    expect(p.title).toBe('Size against error of the whole file, one point per choice');
    expect(p.width).toBeGreaterThan(300);
    expect(p.height).toBeGreaterThan(100);
    expect(p.points.length).toBeGreaterThan(20);
    expect(p.points.length).toBe(p.tableRows);
    for (const pt of p.points) {
      expect(pt.x).toBeGreaterThan(p.box.left);
      expect(pt.x).toBeLessThan(p.box.right);
      expect(pt.y).toBeGreaterThan(p.box.top);
      expect(pt.y).toBeLessThan(p.box.bottom);
    }
    const front = p.points.filter((pt) => pt.front);
    expect(front.length).toBeGreaterThan(1);
    expect(p.frontLineLength).toBeGreaterThan(50);
    // Up and to the right: on the front, more bits buy a higher SQNR (a smaller y on screen).
    const sorted = [...front].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.y).toBeLessThanOrEqual(sorted[i - 1]!.y);
    expect(front[0]!.fill).toBe('rgb(180, 86, 31)'); // filled by the stylesheet, unlike the other points
    expect(p.points.find((pt) => !pt.front)!.fill).toBe('rgb(255, 255, 255)');
    expect(p.caption).toContain('Pareto front');
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
