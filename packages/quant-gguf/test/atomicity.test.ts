import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requantizeGguf, writeGgufFile } from '../src/index.js';
import { writeTinyModel } from './helpers/model-file.js';
import { listDir, useTempDir } from './helpers/temp-dir.js';
import { tinyModel, type TinyModelOptions } from './helpers/tiny-model.js';

const tempDir = useTempDir();
const inputWith = (options: TinyModelOptions = {}): Promise<string> => writeTinyModel(tempDir(), { layers: 4, ...options });

describe('atomic output', () => {
  it('an error mid-file (NaN in a middle tensor) leaves no output and no temporary file', async () => {
    const input = await inputWith({ nanIn: 'blk.2.ffn_up.weight' });
    const output = join(tempDir(), 'out.gguf');
    const written: string[] = [];
    const error = await requantizeGguf(input, output, { type: 'q8_0', threads: 1, onProgress: (p) => p.tensorDone && written.push(p.name) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_GGUF_QUANTIZE', file: input, tensor: 'blk.2.ffn_up.weight' });
    expect((error as Error).message).toMatch(/ERR_QUANT_RANGE/);
    expect(written.length).toBeGreaterThan(10); // the failure came after much had been written
    expect(listDir(tempDir())).toEqual([basename(input)]);
  });

  it('an error mid-file leaves an existing output as it was, even with force', async () => {
    const input = await inputWith({ nanIn: 'blk.3.attn_v.weight' });
    const output = join(tempDir(), 'out.gguf');
    writeFileSync(output, 'previous');
    await expect(requantizeGguf(input, output, { type: 'q4_0', threads: 1, force: true })).rejects.toMatchObject({ code: 'E_GGUF_QUANTIZE' });
    expect(readFileSync(output, 'utf8')).toBe('previous');
    expect(listDir(tempDir())).toEqual([basename(input), 'out.gguf']);
  });

  it('an abort between chunks: E_GGUF_ABORTED, nothing left behind', async () => {
    const input = await inputWith();
    const output = join(tempDir(), 'out.gguf');
    const abort = new AbortController();
    const run = requantizeGguf(input, output, { type: 'q8_0', threads: 1, signal: abort.signal, onProgress: (p) => p.index === 5 && abort.abort() });
    await expect(run).rejects.toMatchObject({ code: 'E_GGUF_ABORTED' });
    expect(listDir(tempDir())).toEqual([basename(input)]);
  });

  it('an existing output is kept without force, replaced with it; the input is never the output', async () => {
    const input = await inputWith();
    const output = join(tempDir(), 'out.gguf');
    writeFileSync(output, 'previous');
    await expect(requantizeGguf(input, output, { type: 'q8_0', threads: 1 })).rejects.toMatchObject({ code: 'E_GGUF_OUTPUT_EXISTS', file: output });
    expect(readFileSync(output, 'utf8')).toBe('previous');
    await requantizeGguf(input, output, { type: 'q8_0', threads: 1, force: true });
    expect(readFileSync(output).subarray(0, 4).toString()).toBe('GGUF');
    await expect(requantizeGguf(input, input, { type: 'q8_0', force: true })).rejects.toMatchObject({ code: 'E_GGUF_OUTPUT_EXISTS' });
    await expect(requantizeGguf(input, join(tempDir(), '.', basename(input)), { type: 'q8_0', force: true })).rejects.toMatchObject({ code: 'E_GGUF_OUTPUT_EXISTS' });
    expect(listDir(tempDir())).toEqual([basename(input), 'out.gguf']);
  });

  it('a malformed input or bad options fail before any output is created', async () => {
    const input = join(tempDir(), 'in.gguf');
    writeFileSync(input, 'GGUF\x01\x00\x00\x00');
    const output = join(tempDir(), 'out.gguf');
    await expect(requantizeGguf(input, output, { type: 'q8_0' })).rejects.toMatchObject({ code: 'E_GGUF_VERSION', file: input });
    await expect(requantizeGguf(input, output, { type: 'q8_0', threads: 0 })).rejects.toMatchObject({ code: 'E_GGUF_OPTION' });
    await expect(requantizeGguf(input, output, { type: 'q8_0', level: 3 } as never)).rejects.toMatchObject({ code: 'E_GGUF_OPTION' });
    expect(listDir(tempDir())).toEqual(['in.gguf']);
  });

  it('refuses one shard of a split model', async () => {
    const model = tinyModel({ layers: 1 });
    model.metadata.set('split.count', { type: 'uint16', value: 3 });
    const input = join(tempDir(), 'in.gguf');
    await writeGgufFile(input, model.metadata, model.tensors);
    await expect(requantizeGguf(input, join(tempDir(), 'out.gguf'), { type: 'q8_0' })).rejects.toMatchObject({ code: 'E_GGUF_METADATA' });
  });
});
