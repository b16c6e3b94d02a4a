import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runGgufCommand } from '../src/cli.js';
import { describeGguf } from '../src/index.js';
import { writeTinyModel } from './helpers/model-file.js';
import { listDir, useTempDir } from './helpers/temp-dir.js';
import type { TinyModelOptions } from './helpers/tiny-model.js';

const tempDir = useTempDir();
let out = '';
let err = '';

beforeEach(() => {
  out = err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const input = (options: TinyModelOptions = {}): Promise<string> => writeTinyModel(tempDir(), { layers: 2, ...options });

describe('quant gguf', () => {
  it('re-quantizes, prints a summary on stdout and notes on stderr, no progress line off a TTY', async () => {
    const inPath = await input({ ffnDownRow: 288 });
    const outPath = join(tempDir(), 'out.gguf');
    const status = await runGgufCommand([inPath, '-o', outPath, '--type', 'q4_k_m', '--type-for', 'token_embd.weight=q8_0', '--threads', '1']);
    expect(err).not.toContain('\x1b[K');
    expect(status).toBe(0);
    expect(out).toMatch(/out\.gguf: Q4_K_M \(file type 15\), \d+ tensors \(\d+ re-quantized, \d+ copied\)/);
    expect(err).toContain("quant: note: tensor 'blk.1.ffn_down.weight': rows of 288 are not whole Q6_K blocks of 256: Q8_0 instead");
    const s = await describeGguf(outPath);
    expect(s.tensors.find((t) => t.name === 'token_embd.weight')!.type).toBe('Q8_0');
  });

  it('--help', async () => {
    expect(await runGgufCommand(['--help'])).toBe(0);
    expect(out).toContain('Usage: quant gguf <in.gguf> -o <out.gguf> --type <type>');
  });

  it('usage errors exit 2 with E_GGUF_OPTION', async () => {
    const inPath = await input();
    const o = join(tempDir(), 'o.gguf');
    for (const args of [[inPath, '-o', o], [inPath, '--type', 'q8_0'], [inPath, '-o', o, '--type', 'q9'], [inPath, '-o', o, '-t', 'q8_0', '--type-for', 'x'], [inPath, '-o', o, '-t', 'q8_0', '--type-for', 'x=q7'], [inPath, '-o', o, '-t', 'q8_0', '--threads', '0'], [inPath, '-o', o, '-t', 'q8_0', '--bogus'], ['-o', o, '-t', 'q8_0']]) {
      err = '';
      expect(await runGgufCommand(args), args.join(' ')).toBe(2);
      expect(err).toMatch(/^quant: .*\[E_GGUF_OPTION\]/);
    }
    expect(listDir(tempDir())).toEqual([basename(inPath)]);
  });

  it('a missing input exits 3, a malformed one 4, an existing output 6, a NaN 7', async () => {
    const o = join(tempDir(), 'o.gguf');
    expect(await runGgufCommand([join(tempDir(), 'missing.gguf'), '-o', o, '-t', 'q8_0'])).toBe(3);
    expect(err).toContain('[E_NOT_FOUND]');
    const bad = join(tempDir(), 'bad.gguf');
    writeFileSync(bad, 'GGUF\x03\x00\x00\x00');
    expect(await runGgufCommand([bad, '-o', o, '-t', 'q8_0'])).toBe(4);
    expect(err).toMatch(/bad\.gguf: .*\[E_GGUF_TRUNCATED\]/);
    const inPath = await input({ nanIn: 'blk.1.attn_q.weight' });
    writeFileSync(o, 'x');
    expect(await runGgufCommand([inPath, '-o', o, '-t', 'q8_0'])).toBe(6);
    expect(err).toContain('[E_GGUF_OUTPUT_EXISTS]');
    expect(await runGgufCommand([inPath, '-o', o, '-t', 'q8_0', '--force', '--threads', '1'])).toBe(7);
    expect(err).toMatch(/in-\d+\.gguf: tensor 'blk\.1\.attn_q\.weight': .*\[E_GGUF_QUANTIZE\]/);
    expect(existsSync(o)).toBe(true);
    expect(listDir(tempDir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
