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

/** quantkit's default candidates for a matrix: per tensor, per channel (axis 0) and blocks of 32 (last axis). */
function defaultGrid(): AnalysisCandidate[] {
  const layouts: [AnalysisCandidate['granularity'], string[]][] = [
    ['tensor', ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram']],
    [{ axis: 0 }, ['minmax', 'percentile:99.99', 'mse']],
    [{ axis: 1, blockSize: 32 }, ['minmax']],
  ];
  const out: AnalysisCandidate[] = [];
  for (const scheme of ['affine', 'symmetric'] as const) for (const bits of [8, 4]) {
    for (const [granularity, calibrators] of layouts) for (const calibrator of calibrators) out.push({ scheme, bits, granularity, calibrator, profile: 'onnx', narrowRange: false });
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

  it('draws every value of a tensor, the range of the best 4-bit candidate, and its error', () => {
    const { x, shape } = REPORT_TENSORS.w;
    // The figures show the lowest MSE of the smallest bit width (4) among quantkit's candidates.
    const best = analyze(x, defaultGrid(), { shape })
      .filter((r) => r.bits === 4)
      .reduce((b, r) => (r.mse < b.mse ? r : b));
    const [values, errors] = svgs(section('w'));

    const bars = [...values!.matchAll(/<rect class="bar" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(80);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(x.length);
    // Per group (the outliers make blocks win): the dashed lines span the widest extent of the groups' ranges.
    const scales = typeof best.params.scale === 'number' ? [best.params.scale] : [...best.params.scale];
    const zps = typeof best.params.zeroPoint === 'number' ? [best.params.zeroPoint] : [...best.params.zeroPoint];
    const lo = Math.min(...scales.map((s, g) => (best.params.qmin - zps[g]!) * s));
    const hi = Math.max(...scales.map((s, g) => (best.params.qmax - zps[g]!) * s));
    const clip = [...values!.matchAll(/<line class="clip" data-side="(lo|hi)" data-value="([^"]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(clip).toEqual([['lo', lo], ['hi', hi]]);
    if (scales.length === 1) expect(values).toContain(`data-codes="${best.params.qmax - best.params.qmin + 1}"`);

    const errorBars = [...errors!.matchAll(/<rect class="bar err" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(errorBars).toHaveLength(60);
    expect(errorBars.reduce((a, b) => a + b, 0)).toBe(x.length);
    if (scales.length === 1) expect(errors).toContain(`data-value="${-scales[0]! / 2}"`);
    expect(section('w')).toContain(`figures show</dt><dd>${best.label}: SQNR`);
    expect(section('w')).toMatch(new RegExp(`<tr( class="best")?><td>[a-z, ]*</td><td>${best.label}</td>`));
  });

  it('shows the whole file: a Pareto chart of the uniform choices with its description and data table', () => {
    const start = html.indexOf('<section id="file"');
    expect(start).toBeGreaterThan(0);
    const file = html.slice(start, html.indexOf('</section>', start));
    const [chart] = svgs(file);
    expect(chart).toMatch(/^<svg class="chart pareto"[^>]* role="img" aria-labelledby="file-pareto-title file-pareto-desc">/);
    const points = [...chart!.matchAll(/<circle class="point( front)?" data-bpw="([^"]+)" data-sqnr="([^"]+)"/g)].map((m) => ({ front: m[1] !== undefined, bpw: Number(m[2]), sqnr: Number(m[3]) }));
    const rows = [...file.matchAll(/<tr( class="front")?><td>\*?<\/td><td>([^<]+)<\/td><td class="num">([^<]+)<\/td>/g)];
    expect(points.length).toBe(rows.length);
    expect(points.length).toBeGreaterThan(20);
    // The front is what no other point beats on both axes (of equal points, one is on it).
    for (const p of points) {
      const dominated = points.some((q) => q.bpw <= p.bpw && q.sqnr >= p.sqnr && (q.bpw < p.bpw || q.sqnr > p.sqnr));
      if (p.front) expect(dominated, `${p.bpw} bpw ${p.sqnr} dB`).toBe(false);
      else expect(points.some((q) => q !== p && q.front && q.bpw <= p.bpw && q.sqnr >= p.sqnr), `${p.bpw} bpw ${p.sqnr} dB`).toBe(true);
    }
    expect(chart).toContain('<polyline class="front"');
    expect(file).toMatch(/<figcaption>Each point is one candidate applied to every analysed tensor[^<]*Pareto front: [^<]+<\/figcaption>/);
    expect(file).toContain('<caption>Each choice applied to the whole file, smallest first');
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
