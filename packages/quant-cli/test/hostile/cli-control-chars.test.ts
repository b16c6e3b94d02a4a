import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { f32Tensor, jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * Tensor names and file names holding ANSI/OSC escape sequences, C1 controls or bidi overrides reached the terminal
 * raw: a name could retitle the terminal, clear the screen or read as another name. Human output (tables, summaries,
 * errors, warnings) now shows them escaped; JSON stays JSON and parses back to the exact names; the HTML report
 * shows them escaped too.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const OSC_TITLE = '\x1b]0;pwned\x07w';
const CLEAR = '\x1b[2J\x1b[Hbias';
const C1_CSI = '\u009b31mred';
const BIDI = 'model\u202egpj.exe';
const NEWLINE = 'fake\nrow';
const NAMES = [OSC_TITLE, CLEAR, C1_CSI, BIDI, NEWLINE];
/** How each name must appear on a terminal. */
const SHOWN = ['\\x1b]0;pwned\\x07w', '\\x1b[2J\\x1b[Hbias', '\\x9b31mred', 'model\\u202egpj.exe', 'fake\\x0arow'];

/** Any character that must never reach the terminal raw (line feeds excepted: they are the output's own). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const dirName = tmp.subdir('dir\x1b[31m');
const model = join(dirName, 'm\u202e.safetensors');
writeSafetensors(model, NAMES.map((name, i) => f32Tensor(name, [i, -1, 0.5, 2 + i])));

function expectSafe(text: string): void {
  expect(text).not.toMatch(RAW);
}

describe('names with control characters', () => {
  it('compare shows every name escaped, in tables and notes', () => {
    const r = quantWithin(['compare', model, '--scheme', 'affine', '--bits', '8', '--calibrate', 'minmax']);
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    expectSafe(r.stderr);
    for (const shown of SHOWN) expect(r.stdout).toContain(`${shown}  F32 [4]`);
  });

  it('inspect shows every name escaped in its table, one line per tensor', () => {
    const r = quantWithin(['inspect', model, '--bits', '4']);
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + NAMES.length);
    SHOWN.forEach((shown, i) => expect(lines[2 + i]!.startsWith(shown)).toBe(true));
  });

  it('quantize prints the file names escaped and writes the names exactly', () => {
    const output = join(tmp.dir, 'out\x1b[5m.safetensors');
    const r = quantWithin(['quantize', model, '-o', output]);
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('dir\\x1b[31m/m\\u202e.safetensors -> ');
    expect(r.stdout).toContain('out\\x1b[5m.safetensors');
    const names = [...readSafetensorsSpec(output).tensors.keys()];
    for (const name of NAMES) expect(names).toContain(name);
  });

  it('errors and warnings escape file names, tensor names and patterns', () => {
    const broken = join(tmp.dir, 'broken\x1b]0;x\x07.safetensors');
    writeFileSync(broken, Uint8Array.of(1, 2, 3));
    const r = quantWithin(['inspect', broken, model, '--exclude', '\x1b]0;t\x07*', '--bits', '4']);
    expect(r.status).toBe(1);
    expectSafe(r.stderr);
    expect(r.stderr).toContain("quant: warning: --exclude '\\x1b]0;t\\x07*' matches no float tensor");
    expect(r.stderr).toContain('broken\\x1b]0;x\\x07.safetensors: ');
  });

  it('--json keeps the exact names and sends no raw C1 or bidi character', () => {
    const r = quantWithin(['compare', model, '--json', '--scheme', 'affine', '--bits', '8', '--calibrate', 'minmax']);
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    const out = jsonOf<{ files: { file: string; tensors: { name: string }[] }[] }>(r);
    expect(out.files[0]!.file).toBe(model);
    expect(out.files[0]!.tensors.map((t) => t.name)).toEqual(NAMES);
  });

  it('the HTML report shows the names escaped', () => {
    const page = join(tmp.dir, 'report.html');
    const r = quantWithin(['report', model, '-o', page, '--scheme', 'affine', '--bits', '8', '--calibrate', 'minmax']);
    expect(r.status).toBe(0);
    expectSafe(r.stdout);
    const html = readFileSync(page, 'utf8');
    expect(html.replace(/\n/g, '')).not.toMatch(RAW);
    expect(html).toContain('<h2 id="t0-0-pwned-w-h">\\x1b]0;pwned\\x07w</h2>');
    expect(html).toContain('model\\u202egpj.exe');
  });
});
