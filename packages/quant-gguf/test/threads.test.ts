import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requantizeGguf } from '../src/index.js';
import { nativeSchedule } from '../src/requantize/native-encoder.js';
import { writeTinyModel } from './helpers/model-file.js';
import { listDir, useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

// threads > 1 runs the chunks on the native backend's threads when the library runs on it, else on worker threads.
// Worker threads run the compiled package (dist/, built before the tests by `pnpm test`): from the TypeScript sources
// there is no worker script, and every chunk is encoded on the calling thread. The built package runs in a plain Node
// process here, resolving its dependencies as an installed package would; QUANT_BACKEND=reference makes it take the
// worker threads.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/requantize/encode-worker.js', import.meta.url)));

/** requantizeGguf of the built package in a child process: its result's type, or the error's code and tensor. */
function runBuilt(input: string, output: string, type: string, threads: number, backend = ''): Record<string, unknown> {
  const script = `
    const { requantizeGguf } = await import(${JSON.stringify(DIST)});
    const r = await requantizeGguf(${JSON.stringify(input)}, ${JSON.stringify(output)}, { type: ${JSON.stringify(type)}, threads: ${threads} })
      .then((r) => ({ type: r.type }), (e) => ({ code: e.code, tensor: e.tensor, message: e.message }));
    process.stdout.write(JSON.stringify(r));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', QUANT_BACKEND: backend } })) as Record<string, unknown>;
}

describe('the native schedule', () => {
  it('runs one call more than the threads while the pool has room, and leaves a pool thread for the file I/O', () => {
    expect(nativeSchedule(2, 4)).toEqual({ running: 3, threadsPerCall: 1 });
    expect(nativeSchedule(3, 4)).toEqual({ running: 3, threadsPerCall: 2 });
    expect(nativeSchedule(8, 4)).toEqual({ running: 3, threadsPerCall: 4 });
    expect(nativeSchedule(3, 8)).toEqual({ running: 4, threadsPerCall: 1 });
    expect(nativeSchedule(4, 1)).toEqual({ running: 1, threadsPerCall: 4 });
    expect(nativeSchedule(2, 2)).toEqual({ running: 1, threadsPerCall: 2 });
  });
});

describe('threads > 1 in this process (the native backend\'s threads when it loads)', () => {
  it('writes the same bytes as one thread, for a uniform type and a mix', async () => {
    const input = await writeTinyModel(tempDir(), { layers: 4, dtypeOf: (n) => (n.includes('ffn') ? 'BF16' : 'F16') });
    for (const type of ['q8_0', 'q4_k_m'] as const) {
      const one = join(tempDir(), `${type}-1.gguf`);
      const three = join(tempDir(), `${type}-3.gguf`);
      await requantizeGguf(input, one, { type, threads: 1 });
      await requantizeGguf(input, three, { type, threads: 3 });
      expect(Buffer.compare(readFileSync(one), readFileSync(three)), type).toBe(0);
    }
  });

  it('an error in a chunk fails the run and leaves nothing behind', async () => {
    const input = await writeTinyModel(tempDir(), { layers: 2, nanIn: 'blk.1.ffn_up.weight' });
    await expect(requantizeGguf(input, join(tempDir(), 'out.gguf'), { type: 'q8_0', threads: 2 })).rejects.toMatchObject({ code: 'E_GGUF_QUANTIZE', tensor: 'blk.1.ffn_up.weight' });
    expect(listDir(tempDir())).toEqual([basename(input)]);
  });
});

describe.skipIf(!built)('threads > 1 in the built package: native threads, or worker threads on the reference backend', () => {
  for (const backend of ['', 'reference']) {
    const name = backend === '' ? 'default backend' : `QUANT_BACKEND=${backend}: worker threads`;
    it(`threads: 2 writes the same bytes as one thread, for a uniform type and a mix (${name})`, async () => {
      const input = await writeTinyModel(tempDir(), { layers: 4, dtypeOf: (n) => (n.includes('ffn') ? 'BF16' : 'F16') });
      for (const type of ['q8_0', 'q4_k_m'] as const) {
        const one = join(tempDir(), `${type}-1.gguf`);
        const two = join(tempDir(), `${type}-2.gguf`);
        await requantizeGguf(input, one, { type, threads: 1 });
        expect(runBuilt(input, two, type, 2, backend)).toEqual({ type });
        expect(Buffer.compare(readFileSync(one), readFileSync(two)), type).toBe(0);
      }
    });

    it(`an error while encoding fails the run and leaves nothing behind (${name})`, async () => {
      const input = await writeTinyModel(tempDir(), { layers: 2, nanIn: 'blk.1.ffn_up.weight' });
      expect(runBuilt(input, join(tempDir(), 'out.gguf'), 'q8_0', 2, backend)).toMatchObject({ code: 'E_GGUF_QUANTIZE', tensor: 'blk.1.ffn_up.weight' });
      expect(listDir(tempDir())).toEqual([basename(input)]);
    });
  }
});
