import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeBlocks } from '@quantkit/quant';
import { GGML_TYPE, writeGgufFile, type GgufMetadata } from '@quantkit/quant-gguf';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';

// `quant inspect` on GGUF files: the header's tensors (type, shape, bytes, bits per weight) and the totals by type.
describe('quant inspect on GGUF files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  async function model(name = 'model.gguf'): Promise<string> {
    const path = join(tmp.dir, name);
    const x = Float32Array.from({ length: 512 * 4 }, (_, i) => Math.sin(i));
    const q4k = quantizeBlocks(x, { format: 'q4_k' }).data;
    const q8 = quantizeBlocks(x.subarray(0, 256), { format: 'q8_0' }).data;
    const metadata: GgufMetadata = new Map([
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.file_type', { type: 'uint32', value: 15 }],
    ]);
    await writeGgufFile(path, metadata, [
      { name: 'blk.0.attn_q.weight', shape: [512, 4], typeId: GGML_TYPE.Q4_K, data: q4k },
      { name: 'blk.0.attn_norm.weight', shape: [512], typeId: GGML_TYPE.F32, data: new Uint8Array(x.subarray(0, 512).buffer.slice(0, 2048)) },
      { name: 'output.weight', shape: [256], typeId: GGML_TYPE.Q8_0, data: q8 },
    ]);
    return path;
  }

  it('prints every tensor with its type, shape, bytes and bits per weight, and the totals', async () => {
    checkBuilt();
    const path = await model();
    const r = quant(['inspect', path]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^GGUF v3, file type Q4_K_M \(15\), 3 tensors, 2816 weights in .*: 9\.86 bits\/weight/);
    expect(r.stdout).toMatch(/^blk\.0\.attn_q\.weight\s+Q4_K\s+\[512, 4\]\s+1152\s+4\.50$/m);
    expect(r.stdout).toMatch(/^blk\.0\.attn_norm\.weight\s+F32\s+\[512\]\s+2048\s+32\.00$/m);
    expect(r.stdout).toMatch(/^output\.weight\s+Q8_0\s+\[256\]\s+272\s+8\.50$/m);
    expect(r.stdout).toMatch(/^F32\s+1\s+512\s+2\.0 KiB\s+32\.00$/m);
  });

  it('--json: the same figures, machine-readable', async () => {
    const path = await model('j.gguf');
    const r = quant(['inspect', path, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const file = JSON.parse(r.stdout).files[0];
    expect(file).toMatchObject({ file: path, format: 'gguf', version: 3, fileType: { value: 15, name: 'Q4_K_M' }, elements: 2816, bytes: 1152 + 2048 + 272 });
    expect(file.tensors.map((t: { name: string; type: string; bytes: number; bitsPerWeight: number }) => [t.name, t.type, t.bytes, t.bitsPerWeight])).toEqual([
      ['blk.0.attn_q.weight', 'Q4_K', 1152, 4.5],
      ['blk.0.attn_norm.weight', 'F32', 2048, 32],
      ['output.weight', 'Q8_0', 272, 8.5],
    ]);
    expect(file.types.map((t: { type: string }) => t.type)).toEqual(['F32', 'Q4_K', 'Q8_0']);
  });

  it('a damaged GGUF file fails with the reader\'s code; quantization options are a usage error', async () => {
    const bad = join(tmp.dir, 'bad.gguf');
    writeFileSync(bad, 'GGUF\x03\x00\x00\x00');
    let r = quant(['inspect', bad]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/E_GGUF_TRUNCATED/);
    writeFileSync(bad, 'not a gguf file at all');
    r = quant(['inspect', bad]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/E_GGUF_MAGIC/);
    r = quant(['inspect', await model('o.gguf'), '--bits', '4']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/quantization options do not apply to GGUF files/);
  });
});
