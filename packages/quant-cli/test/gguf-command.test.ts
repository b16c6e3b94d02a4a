import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';

// `quant gguf` is @quantkit/quant-gguf's command (its own tests read every file it writes back with @huggingface/gguf);
// here: the binary dispatches to it, with its help, its exit statuses and no output left behind on failure.
describe('quant gguf', () => {
  const tmp = tempDir();

  it('is listed by quant --help and prints its own help', () => {
    checkBuilt();
    expect(quant(['--help']).stdout).toMatch(/^ {2}gguf {9}re-quantize a GGUF model/m);
    const r = quant(['gguf', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/quant gguf <in\.gguf> -o <out\.gguf>/);
  });

  it('fails cleanly on a file that is not GGUF, leaving no output', () => {
    const input = join(tmp.dir, 'not-a-model.gguf');
    writeFileSync(input, 'definitely not a gguf file');
    const output = join(tmp.dir, 'out.gguf');
    const r = quant(['gguf', input, '-o', output, '--type', 'q8_0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_GGUF_MAGIC/);
    expect(existsSync(output)).toBe(false);
  });
});
