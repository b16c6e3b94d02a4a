import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomLayers } from './helpers/data.js';
import { checkBuilt, quant, quantAsync, tempDir, waitForPartialOutput } from './helpers/run-cli.js';
import { writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * Interrupting a write. QUANT_CLI_TEST_DELAY_MS (a test hook documented in the README) makes quant pause after each
 * tensor it writes, so the signal reliably lands while the temporary output is half written: the test waits until
 * the temporary file exists and has grown past its header before sending the signal.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const input = writeRandomLayers(join(tmp.dir, 'big.safetensors'), 24, [256, 256]);

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during a write', (signal, status) => {
  it(`removes the temporary file and exits with ${status}`, async () => {
    const outDir = join(tmp.dir, `out-${signal}`);
    const { child, done } = quantAsync(['quantize', input, '-o', join(outDir, 'q.safetensors')], { QUANT_CLI_TEST_DELAY_MS: '150' });
    const partial = await waitForPartialOutput(await ensureDir(outDir));
    expect(partial).toMatch(/^\.q\.safetensors\.quant-.+-\d+-[0-9a-f]{8}\.tmp$/);
    child.kill(signal);
    const r = await done;
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(`interrupted by ${signal}`);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('an existing output during an interrupted --force run', () => {
  it('is left exactly as it was', async () => {
    const outDir = await ensureDir(join(tmp.dir, 'out-force'));
    const target = join(outDir, 'q.safetensors');
    writeFileSync(target, 'old contents');
    const { child, done } = quantAsync(['quantize', input, '-o', target, '--force'], { QUANT_CLI_TEST_DELAY_MS: '150' });
    await waitForPartialOutput(outDir);
    child.kill('SIGINT');
    expect((await done).status).toBe(130);
    expect(readdirSync(outDir)).toEqual(['q.safetensors']);
    expect(quant(['inspect', target]).status).toBe(4); // still the old (non-safetensors) text
  });
});

describe('SIGINT during a dequantize write', () => {
  it('removes the temporary file and exits with 130', async () => {
    const outDir = await ensureDir(join(tmp.dir, 'out-dequantize'));
    const quantized = join(tmp.dir, 'big.q.safetensors');
    expect(quant(['quantize', input, '-o', quantized, '--force']).status).toBe(0);
    const { child, done } = quantAsync(['dequantize', quantized, '-o', join(outDir, 'back.safetensors')], { QUANT_CLI_TEST_DELAY_MS: '150' });
    const partial = await waitForPartialOutput(outDir);
    expect(partial).toMatch(/^\.back\.safetensors\.quant-.+-\d+-[0-9a-f]{8}\.tmp$/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.status).toBe(130);
    expect(r.stderr).toContain('interrupted by SIGINT');
    expect(readdirSync(outDir)).toEqual([]);
  });
});

async function ensureDir(dir: string): Promise<string> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/*
 * Issue 19: a calibrator that takes seconds (`--calibrate mse` on 32M values: its passes and six real-error
 * evaluations) ran synchronously in the library's quantizeAsync, so SIGINT and SIGTERM were handled only once it
 * finished, seconds later. The async API now calibrates in chunks and off the main thread: the signal handler runs
 * within one chunk, whatever the calibrator computes. No test delay hook here: the signal lands mid-calibration.
 */
/** 32M float32 values in one tensor (written once per run): `--calibrate mse` on it takes seconds. */
function longCalibrationInput(): string {
  const path = join(tmp.dir, 'calibrate.safetensors');
  if (readdirSync(tmp.dir).includes('calibrate.safetensors')) return path;
  const x = new Float32Array(32 << 20);
  let s = 19;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  writeSafetensorsSpec(path, [{ name: 'w', dtype: 'F32', shape: [x.length], bytes: new Uint8Array(x.buffer) }]);
  return path;
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during a long calibration', (signal, status) => {
  let calibrated = '';
  beforeAll(() => void (calibrated = longCalibrationInput()));

  it(`exits with ${status} within a second and a half, leaving no temporary file`, async () => {
    const outDir = await ensureDir(join(tmp.dir, `out-calibrate-${signal}`));
    const { child, done } = quantAsync(['quantize', calibrated, '-o', join(outDir, 'q.safetensors'), '--calibrate', 'mse']);
    // The header is written before the tensor is read and calibrated; reading 128 MiB takes a fraction of that.
    while (!readdirSync(outDir).some((f) => f.endsWith('.tmp'))) await sleep(10);
    // Calibrating 32M values takes well under a second on a quiet machine: signal right away, mid-calibration.
    await sleep(50);
    const sent = Date.now();
    child.kill(signal);
    const r = await done;
    expect(r.status).toBe(status);
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(r.stderr).toContain(`interrupted by ${signal}`);
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);
});

/*
 * compare and report run the library's synchronous analysis (every candidate, calibrators included); on the main
 * thread it held SIGINT for seconds. It now runs on a worker thread, so the handler runs at once.
 */
describe('SIGINT during a long compare', () => {
  it('exits with 130 within a second and a half', async () => {
    const input = longCalibrationInput();
    const { child, done } = quantAsync(['compare', input, '--calibrate', 'mse', '--bits', '4,8', '--max-elements', String(32 << 20)]); // every value: no sample
    await sleep(1500); // reading 128 MiB takes a fraction of that; the analysis takes seconds
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(r.status).toBe(130);
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(r.stderr).toContain('interrupted by SIGINT');
  }, 60_000);
});
