import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requantizeGguf } from '../src/index.js';
import { writeTinyModel } from './helpers/model-file.js';
import { listDir, useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

// Worker threads run the compiled package (dist/, built before the tests by `pnpm test`): from the TypeScript sources
// there is no worker script, and every chunk is encoded on the calling thread. The built package runs in a plain Node
// process here, resolving its dependencies as an installed package would.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/requantize/encode-worker.js', import.meta.url)));

/** requantizeGguf of the built package in a child process: its result's type, or the error's code and tensor. */
function runBuilt(input: string, output: string, type: string, threads: number): Record<string, unknown> {
  const script = `
    const { requantizeGguf } = await import(${JSON.stringify(DIST)});
    const r = await requantizeGguf(${JSON.stringify(input)}, ${JSON.stringify(output)}, { type: ${JSON.stringify(type)}, threads: ${threads} })
      .then((r) => ({ type: r.type }), (e) => ({ code: e.code, tensor: e.tensor, message: e.message }));
    process.stdout.write(JSON.stringify(r));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as Record<string, unknown>;
}

describe.skipIf(!built)('worker threads (the built package)', () => {
  it('threads: 2 writes the same bytes as one thread, for a uniform type and a mix', async () => {
    const input = await writeTinyModel(tempDir(), { layers: 4, dtypeOf: (n) => (n.includes('ffn') ? 'BF16' : 'F16') });
    for (const type of ['q8_0', 'q4_k_m'] as const) {
      const one = join(tempDir(), `${type}-1.gguf`);
      const two = join(tempDir(), `${type}-2.gguf`);
      await requantizeGguf(input, one, { type, threads: 1 });
      expect(runBuilt(input, two, type, 2)).toEqual({ type });
      expect(Buffer.compare(readFileSync(one), readFileSync(two)), type).toBe(0);
    }
  });

  it('an error on a worker thread fails the run and leaves nothing behind', async () => {
    const input = await writeTinyModel(tempDir(), { layers: 2, nanIn: 'blk.1.ffn_up.weight' });
    expect(runBuilt(input, join(tempDir(), 'out.gguf'), 'q8_0', 2)).toMatchObject({ code: 'E_GGUF_QUANTIZE', tensor: 'blk.1.ffn_up.weight' });
    expect(listDir(tempDir())).toEqual([basename(input)]);
  });
});
