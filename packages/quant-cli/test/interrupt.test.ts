import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomF32 } from './helpers/data.js';
import { checkBuilt, quant, quantAsync, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * Interrupting a write. QUANT_CLI_TEST_DELAY_MS (a test hook documented in the README) makes quant pause after each
 * tensor it writes, so the signal reliably lands while the temporary output is half written: the test waits until
 * the temporary file exists and has grown past its header before sending the signal.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const input = join(tmp.dir, 'big.safetensors');
writeSafetensorsSpec(
  input,
  Array.from({ length: 24 }, (_, i) => ({ name: `layer${i}`, dtype: 'F32', shape: [256, 256], bytes: bytesOf(randomF32(256 * 256, i + 1)) })),
);

async function waitForPartialOutput(dir: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const tmpFile = readdirSync(dir).find((f) => f.endsWith('.tmp'));
    if (tmpFile) {
      // Past the header, at least one tensor written.
      const { size } = await import('node:fs').then((fs) => fs.statSync(join(dir, tmpFile)));
      if (size > 70_000) return tmpFile;
    }
    await sleep(20);
  }
  throw new Error('quant never started writing');
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during a write', (signal, status) => {
  it(`removes the temporary file and exits with ${status}`, async () => {
    const outDir = join(tmp.dir, `out-${signal}`);
    const { child, done } = quantAsync(['quantize', input, '-o', join(outDir, 'q.safetensors')], { QUANT_CLI_TEST_DELAY_MS: '150' });
    const partial = await waitForPartialOutput(await ensureDir(outDir));
    expect(partial).toMatch(/^\.q\.safetensors\.quant-\d+-[0-9a-f]{8}\.tmp$/);
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
    expect(partial).toMatch(/^\.back\.safetensors\.quant-\d+-[0-9a-f]{8}\.tmp$/);
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
