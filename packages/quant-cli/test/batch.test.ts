import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantize } from '@quantkit/quant-core';
import { randomF32 } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeSafetensorsSpec } from './helpers/spec-files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const FIXTURES = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));

/** A directory of inputs: two good files (one nested), one malformed file, and a file quant ignores. */
function makeTree(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeSafetensorsSpec(join(dir, 'a.safetensors'), [
    { name: 'layers.0.weight', dtype: 'F32', shape: [8, 16], bytes: bytesOf(randomF32(128, 5)) },
    { name: 'layers.0.bias', dtype: 'F32', shape: [8], bytes: bytesOf(randomF32(8, 6)) },
    { name: 'norm.weight', dtype: 'F32', shape: [16], bytes: bytesOf(randomF32(16, 7)) },
  ]);
  writeFileSync(join(dir, 'bad.safetensors'), Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22)); // header '{"'
  copyFileSync(join(FIXTURES, 'f4_c_2x3.npy'), join(dir, 'sub', 'b.npy'));
  writeFileSync(join(dir, 'notes.txt'), 'not a tensor file');
  return dir;
}

function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      h.update(p);
      if (e.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe('batches', () => {
  it('quantizes a directory tree into a mirrored tree; a bad file is reported and the others carry on (exit 1)', () => {
    const dir = makeTree('tree1');
    const before = hashTree(dir);
    const out = join(tmp.dir, 'out1');
    const r = quant(['quantize', dir, '-o', out, '--exclude', '*.bias', '--exclude', 'norm*', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`quant: ${join(dir, 'bad.safetensors')}: the 2-byte header is not valid UTF-8 JSON`);
    expect(r.stderr).toContain('[E_HEADER_JSON]');
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ command: 'quantize', ok: false, exitStatus: 1, backend: { name: expect.any(String) } });
    expect(summary.outputs.map((o: { output: string }) => o.output)).toEqual([join(out, 'a.safetensors'), join(out, 'sub', 'b.safetensors')]);
    expect(summary.outputs[0]).toMatchObject({ quantized: 1, copied: 2 });
    expect(summary.failures).toEqual([{ file: join(dir, 'bad.safetensors'), tensor: null, code: 'E_HEADER_JSON', exitStatus: 4, message: expect.any(String) }]);
    expect(readdirSync(out).sort()).toEqual(['a.safetensors', 'sub']);
    const a = readSafetensorsSpec(join(out, 'a.safetensors'));
    expect(a.tensors.get('layers.0.weight')!.dtype).toBe('U8');
    expect(a.tensors.get('layers.0.bias')!.dtype).toBe('F32');
    expect(a.tensors.get('norm.weight')!.dtype).toBe('F32');
    expect(readSafetensorsSpec(join(out, 'sub', 'b.safetensors')).tensors.get('b')!.dtype).toBe('U8');
    expect(hashTree(dir)).toBe(before); // inputs are never modified
  });

  it('--fail-fast stops at the first failing file and exits with its status', () => {
    const dir = makeTree('tree2');
    const out = join(tmp.dir, 'out2');
    const r = quant(['quantize', dir, '-o', out, '--fail-fast']);
    expect(r.status).toBe(4);
    expect(existsSync(join(out, 'a.safetensors'))).toBe(true); // before the bad file, in name order
    expect(existsSync(join(out, 'sub', 'b.safetensors'))).toBe(false);
  });

  it('refuses to overwrite an output without --force, and replaces it with --force', () => {
    const dir = makeTree('tree3');
    const target = join(tmp.dir, 'exists.safetensors');
    writeFileSync(target, 'precious');
    const r = quant(['quantize', join(dir, 'a.safetensors'), '-o', target]);
    expect(r.status).toBe(6);
    expect(r.stderr).toContain(`${target}: already exists (use --force to overwrite it) [E_OUTPUT_EXISTS]`);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    const forced = quant(['quantize', join(dir, 'a.safetensors'), '-o', target, '--force', '--quiet']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toBe('');
    expect(readSafetensorsSpec(target).tensors.size).toBe(9); // 3 tensors, each with a scale and a zero point
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes over an input, even with --force', () => {
    const dir = makeTree('tree4');
    const input = join(dir, 'a.safetensors');
    const before = readFileSync(input);
    const r = quant(['quantize', input, '-o', input, '--force']);
    expect(r.status).toBe(6);
    expect(r.stderr).toContain('[E_OUTPUT_IS_INPUT]');
    expect(readFileSync(input)).toEqual(before);
  });

  it('gives the same bytes with 1 or 3 threads, and prints one result line per file and no progress off a terminal', () => {
    const path = join(tmp.dir, 'many.safetensors');
    writeSafetensorsSpec(
      path,
      Array.from({ length: 12 }, (_, i) => ({ name: `t${i}`, dtype: i % 3 === 2 ? 'I32' : 'F32', shape: [64, 33], bytes: bytesOf(randomF32(64 * 33, 100 + i)) })),
    );
    const one = quant(['quantize', path, '-o', join(tmp.dir, 'one.safetensors'), '--threads', '1', '--granularity', 'channel']);
    const three = quant(['quantize', path, '-o', join(tmp.dir, 'three.safetensors'), '--threads', '3', '--granularity', 'channel']);
    expect(one.status).toBe(0);
    expect(three.status).toBe(0);
    expect(one.stderr).toBe('');
    expect(one.stdout).toMatch(/^.*many\.safetensors -> .*one\.safetensors: 8 quantized, 4 copied, .* -> .*\n$/);
    expect(readFileSync(join(tmp.dir, 'one.safetensors'))).toEqual(readFileSync(join(tmp.dir, 'three.safetensors')));
  });

  it('quantizes many same-sized tensors through pooled buffers: every tensor gets its own codes', () => {
    // 24 tensors of one size through 3 threads: input and code buffers cycle through the pool, codes land in views of
    // larger pooled buffers.
    const tensors = Array.from({ length: 24 }, (_, i) => ({ name: `w${i}`, x: randomF32(4096, 500 + i).map((v) => v * (1 + i)) }));
    const path = join(tmp.dir, 'same-size.safetensors');
    writeSafetensorsSpec(path, tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: [64, 64], bytes: bytesOf(t.x) })));
    const output = join(tmp.dir, 'same-size.q.safetensors');
    const r = quant(['quantize', path, '-o', output, '--threads', '3', '--bits', '4', '--packed']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = readSafetensorsSpec(output);
    for (const t of tensors) {
      const qt = quantize(t.x, { bits: 4, packed: true });
      expect(Buffer.compare(out.tensors.get(t.name)!.bytes, bytesOf(qt.data)), t.name).toBe(0);
      expect(out.tensors.get(`${t.name}.scale`)!.bytes).toEqual(bytesOf(Float32Array.of(qt.scale as number)));
    }
  });

  it('copies a large pass-through tensor byte for byte (streamed in chunks, not read whole)', () => {
    const big = new Int32Array((70 << 20) / 4).map((_, i) => i * 2654435761);
    const path = join(tmp.dir, 'big-int.safetensors');
    writeSafetensorsSpec(path, [
      { name: 'w', dtype: 'F32', shape: [3], bytes: bytesOf(Float32Array.of(1, 2, 3)) },
      { name: 'ids', dtype: 'I32', shape: [big.length], bytes: new Uint8Array(big.buffer) },
      { name: 'v', dtype: 'F32', shape: [2], bytes: bytesOf(Float32Array.of(-1, 1)) },
    ]);
    const out = join(tmp.dir, 'big-int.q.safetensors');
    expect(quant(['quantize', path, '-o', out]).status).toBe(0);
    const st = readSafetensorsSpec(out);
    expect(Buffer.compare(st.tensors.get('ids')!.bytes, new Uint8Array(big.buffer))).toBe(0);
    expect(st.tensors.get('v')!.dtype).toBe('U8');
  });

  it('inspect prints a table per tensor and, with quantization options, the cost', () => {
    const dir = makeTree('tree5');
    const r = quant(['inspect', join(dir, 'a.safetensors'), '--bits', '4', '--exclude', '*.bias']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^name\s+dtype\s+shape\s+min\s+max\s+mean\s+std\s+quantization\s+mse\s+sqnr_db\s+max_abs_err$/);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^layers\.0\.weight\s+F32\s+\[8, 16\](\s+-?[0-9.e-]+){4}\s+[0-9.e-]+\s+[0-9.]+\s+[0-9.e-]+$/);
    expect(lines[3]).toMatch(/^layers\.0\.bias\s+F32\s+\[8\](\s+-?[0-9.e-]+){4}$/);
    const json = JSON.parse(quant(['inspect', join(dir, 'a.safetensors'), '--bits', '4', '--json']).stdout);
    const weight = randomF32(128, 5);
    const t = json.files[0].tensors[0];
    expect(t.stats.min).toBe(Math.min(...weight));
    expect(t.stats.max).toBe(Math.max(...weight));
    expect(t.stats.mean).toBeCloseTo(weight.reduce((s, v) => s + v, 0) / 128, 12);
    expect(t.cost.sqnrDb).toBeGreaterThan(10);
    expect(t.cost.maxAbs).toBeLessThan(((Math.max(...weight) - Math.min(...weight)) / 15) * 0.5 + 1e-6);
  });
});
