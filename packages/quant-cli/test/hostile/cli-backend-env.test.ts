import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { f32Tensor, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * `QUANT_BACKEND=bogus quant --version` failed with E_QUANTIZATION (exit 7). --version and --help do not need a
 * backend: they print and exit 0 whatever the settings say. Every other command reports a malformed QUANT_BACKEND,
 * QUANT_NATIVE_ISA or QUANT_THREADS once, as E_BACKEND (exit 2) with the library's message, before touching a file.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const a = join(tmp.dir, 'a.safetensors');
const b = join(tmp.dir, 'b.safetensors');
writeSafetensors(a, [f32Tensor('w', [0.5, -1, 2, 3])]);
writeSafetensors(b, [f32Tensor('v', [1, 2, 3, 4])]);
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const BAD_SETTINGS: [string, string, string][] = [
  ['QUANT_BACKEND', 'bogus', 'ERR_QUANT_BACKEND'],
  ['QUANT_NATIVE_ISA', 'bogus', 'ERR_QUANT_NATIVE_ISA'],
  ['QUANT_THREADS', '0', 'ERR_QUANT_NATIVE_THREADS'],
];

describe.each(BAD_SETTINGS)('%s=%s', (name, value, libraryCode) => {
  const env = { [name]: value };

  it('--version and -v print the versions, say why there is no backend, and exit 0', () => {
    for (const flag of ['--version', '-v']) {
      const r = quantWithin([flag], 20_000, env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^quant ${VERSION.replace(/\./g, '\\.')} \\(@quantkit/quant `));
      expect(r.stdout).toContain(libraryCode);
    }
  });

  it('--help, and a command\'s --help, exit 0', () => {
    for (const args of [['--help'], ['quantize', '--help'], ['compare', '--help'], ['inspect', '-h']]) {
      const r = quantWithin(args, 20_000, env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: quant');
    }
  });

  it('inspect and compare fail once with E_BACKEND (exit 2), not once per file', () => {
    for (const command of ['inspect', 'compare']) {
      const r = quantWithin([command, a, b], 20_000, env);
      expect(r.status).toBe(2);
      expect(r.stderr.match(/\[E_BACKEND\]/g)).toHaveLength(1);
      expect(r.stderr).toContain(`(${libraryCode})`);
      expect(r.stderr).toContain(name);
    }
  });

  it('quantize, dequantize, report and demo fail with E_BACKEND and write nothing', () => {
    const out = join(tmp.dir, `${name}.safetensors`);
    const runs = [
      quantWithin(['quantize', a, b, '-o', join(tmp.dir, `${name}-dir/`)], 20_000, env),
      quantWithin(['quantize', a, '-o', out], 20_000, env),
      quantWithin(['dequantize', a, '-o', out], 20_000, env),
      quantWithin(['report', a, '-o', join(tmp.dir, `${name}.html`)], 20_000, env),
      quantWithin(['demo'], 20_000, env),
    ];
    for (const r of runs) {
      expect(r.stderr).toContain('[E_BACKEND]');
      expect(r.status).toBe(2);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(tmp.dir, `${name}-dir`))).toBe(false);
    expect(existsSync(join(tmp.dir, `${name}.html`))).toBe(false);
  });
});

describe('valid settings', () => {
  it('--version names the backend in use', () => {
    const r = quantWithin(['--version'], 20_000, { QUANT_BACKEND: 'reference' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`quant ${VERSION} (@quantkit/quant ${r.stdout.match(/@quantkit\/quant (\S+),/)![1]}, backend reference js)\n`);
  });
});
