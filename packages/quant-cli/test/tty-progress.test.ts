import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomLayers } from './helpers/data.js';
import { BIN, checkBuilt, tempDir } from './helpers/run-cli.js';

/*
 * Progress on a real terminal: util-linux `script` runs quant on a pseudo-terminal, so stderr is a TTY exactly as in
 * an interactive shell. stdout is redirected to a file, which must hold the results and nothing of the display.
 * QUANT_CLI_TEST_DELAY_MS slows each tensor down so the display (redrawn at most 10 times a second) is drawn mid-run.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const input = writeRandomLayers(join(tmp.dir, 'model.safetensors'), 6, [64, 64]);

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs quant with stderr on a pseudo-terminal; returns what the terminal showed and what stdout (a file) got. */
function onTerminal(args: string[]): { terminal: string; stdout: string; status: number | null } {
  const stdoutFile = join(tmp.dir, `stdout-${args.length}-${Date.now()}.txt`);
  const command = `${[process.execPath, BIN, ...args].map(shellQuote).join(' ')} > ${shellQuote(stdoutFile)}`;
  const r = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, QUANT_CLI_TEST_DELAY_MS: '150', COLUMNS: '200' },
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`util-linux 'script' is needed for this test: ${r.error.message}`);
  return { terminal: r.stdout, stdout: readFileSync(stdoutFile, 'utf8'), status: r.status };
}

describe('progress on a terminal', () => {
  it('draws files, tensors, bytes, rate and ETA on stderr, clears it at the end, and keeps stdout clean', () => {
    const r = onTerminal(['quantize', input, '-o', join(tmp.dir, 'q.safetensors')]);
    expect(r.status).toBe(0);
    const frames = r.terminal.split('\r\x1b[K').filter((f) => f.startsWith('files '));
    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const frame of frames) expect(frame).toMatch(/^files [01]\/1 {2}tensors \d\/6 {2}[\d.]+ (B|KiB)\/96\.\d KiB \(\d+%\) {2}[\d.]+ (B|KiB|MiB)\/s {2}ETA (\d+s|--)$/);
    // Tensors count up to 6/6, and the last thing on the terminal is the clearing sequence.
    expect(frames.some((f) => f.includes('tensors 3/6'))).toBe(true);
    expect(frames.at(-1)).toMatch(/^files 1\/1 {2}tensors 6\/6 {2}96\.\d KiB\/96\.\d KiB \(100%\)/);
    expect(r.terminal.endsWith('\r\x1b[K')).toBe(true);
    expect(r.stdout).toMatch(/^.*model\.safetensors -> .*q\.safetensors: 6 quantized, 0 copied, .*\n$/);
    expect(r.stdout).not.toContain('\x1b');
  });

  it('--quiet draws nothing, even on a terminal', () => {
    const r = onTerminal(['quantize', input, '-o', join(tmp.dir, 'quiet.safetensors'), '--quiet']);
    expect(r.status).toBe(0);
    expect(r.terminal).toBe('');
    expect(r.stdout).toBe('');
  });
});
