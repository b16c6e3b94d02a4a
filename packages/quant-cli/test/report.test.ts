import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, type AnalysisCandidate } from '@quantkit/quant-core';
import { REPORT_LIMITS, REPORT_TENSORS, writeReportModel } from './helpers/report-fixture.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeNpySpec } from './helpers/spec-files.js';

/* The page itself, read as text (report-browser.test.ts renders it in Chromium). */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const model = writeReportModel(tmp.dir);
const page = join(tmp.dir, 'report.html');
let html = '';

/** The HTML of one tensor's <section>. */
function section(name: string): string {
  const start = html.indexOf(`">${name}</h2>`);
  expect(start, name).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The <svg> elements of a fragment, in order. */
function svgs(fragment: string): string[] {
  return fragment.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

function defaultGrid(): AnalysisCandidate[] {
  const out: AnalysisCandidate[] = [];
  for (const scheme of ['affine', 'symmetric'] as const) for (const bits of [8, 4]) {
    for (const calibrator of ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram']) out.push({ scheme, bits, granularity: 'tensor', calibrator, profile: 'onnx', narrowRange: false });
  }
  return out;
}

describe('quant report', () => {
  beforeAll(() => {
    const r = quant(['report', model, '-o', page, ...REPORT_LIMITS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${model} -> ${page}: 3 tensors analysed, 2 not, ${r.stdout.split(', ').pop()}`);
    html = readFileSync(page, 'utf8');
  });

  it('is one self-contained page: no scripts, no external resources, a policy that forbids fetching anything', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Quantization report: model.safetensors</title>');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(|\bsrc=/i);
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#t\d/);
    // The only URL is the SVG namespace name (an identifier, never fetched).
    expect([...new Set(html.match(/https?:\/\/[^\s"'<>]+/g))]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('has headings, and a title, description and caption for every chart', () => {
    expect(html.match(/<h1>/g)).toHaveLength(1);
    for (const name of ['w', 'big', 'bias']) {
      const s = section(name);
      const charts = svgs(s);
      expect(charts, name).toHaveLength(2);
      for (const svg of charts) {
        expect(svg).toMatch(/^<svg class="chart"[^>]* role="img" aria-labelledby="(\S+)-title \1-desc">/);
        expect(svg).toMatch(/<title id="\S+-title">[^<]+<\/title><desc id="\S+-desc">[^<]+<\/desc>/);
      }
      expect(s.match(/<figcaption>/g), name).toHaveLength(2);
      expect(s).toContain('<h3>Candidates</h3>');
    }
  });

  it('draws every value of a tensor, the best candidate range and grid, and its error', () => {
    const { x, shape } = REPORT_TENSORS.w;
    const best = analyze(x, defaultGrid(), { shape }).find((r) => r.best)!;
    const scale = best.params.scale as number;
    const zp = best.params.zeroPoint as number;
    const [values, errors] = svgs(section('w'));

    const bars = [...values!.matchAll(/<rect class="bar" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(80);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(x.length);
    const clip = [...values!.matchAll(/<line class="clip" data-side="(lo|hi)" data-value="([^"]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(clip).toEqual([['lo', (best.params.qmin - zp) * scale], ['hi', (best.params.qmax - zp) * scale]]);
    expect(values).toContain(`data-codes="${best.params.qmax - best.params.qmin + 1}"`);

    const errorBars = [...errors!.matchAll(/<rect class="bar err" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(errorBars).toHaveLength(60);
    expect(errorBars.reduce((a, b) => a + b, 0)).toBe(x.length);
    expect(errors).toContain(`data-value="${-scale / 2}"`);
    expect(section('w')).toContain(`best candidate</dt><dd>${best.label}: SQNR`);
    expect(section('w')).toMatch(new RegExp(`<tr class="best"><td>best</td><td>${best.label}</td>`));
  });

  it('says where it capped: the sampled tensor, and the tensors left out', () => {
    expect(section('big')).toContain('analysed on 40 of the 300 rows along axis 0 (evenly spaced), 4,000 of 30,000 values');
    const valueBars = [...svgs(section('big'))[0]!.matchAll(/data-count="(\d+)"/g)].reduce((a, m) => a + Number(m[1]), 0);
    expect(valueBars).toBe(30_000); // the value histogram shows every value
    expect(html).toContain('at most 3 tensors are analysed (--max-tensors); 1 more float tensor was left out');
    const skipped = html.slice(html.indexOf('<h2 id="skipped">'));
    expect(skipped).toContain('<td>extra</td><td>F32</td><td>[4, 4]</td><td>beyond --max-tensors 3</td>');
    expect(skipped).toContain('<td>step</td><td>I64</td><td>[1]</td><td>I64 is not a float dtype</td>');
  });

  it('refuses to overwrite without --force, overwrites atomically with it, and never writes over its input', () => {
    const before = statSync(page).mtimeMs;
    const refused = quant(['report', model, '-o', page, '--bits', '8', '--calibrate', 'minmax']);
    expect(refused.status).toBe(6);
    expect(refused.stderr).toContain('[E_OUTPUT_EXISTS]');
    expect(statSync(page).mtimeMs).toBe(before);

    const forced = quant(['report', model, '-o', page, '--force', '--bits', '8', '--calibrate', 'minmax', '--json']);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ command: 'report', ok: true, outputs: [{ input: model, output: page, analysed: 4, skipped: 1 }] });
    expect(readFileSync(page, 'utf8')).toContain('calibrators minmax');
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const self = quant(['report', model, '-o', model, '--force']);
    expect(self.status).toBe(6);
    expect(self.stderr).toContain('[E_OUTPUT_IS_INPUT]');
  });

  it('writes one page per input into a directory', () => {
    const npy = join(tmp.dir, 'layer.npy');
    writeNpySpec(npy, { descr: '<f4', fortranOrder: false, shape: [16, 64], data: bytesOf(REPORT_TENSORS.w.x) });
    const out = join(tmp.dir, 'pages');
    const r = quant(['report', npy, model, '-o', out, '--bits', '4', '--calibrate', 'mse', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['layer.html', 'model.html']);
    expect(readFileSync(join(out, 'layer.html'), 'utf8')).toContain('<title>Quantization report: layer.npy</title>');
  });

  it('rejects bad limits and missing arguments as usage errors', () => {
    expect(quant(['report', model]).stderr).toContain('no output given');
    const r = quant(['report', model, '-o', join(tmp.dir, 'x.html'), '--max-tensors', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--max-tensors must be in 1..100000');
  });
});
