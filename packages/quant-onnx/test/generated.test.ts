import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'node_modules', '.bin');

it('src/generated/onnx_pb.ts is what `pnpm generate` makes of proto/onnx.proto (offline, buf from npm)', () => {
  const out = mkdtempSync(join(tmpdir(), 'quant-onnx-generate-'));
  try {
    execFileSync(join(bin, 'buf'), ['generate', '--output', out], { cwd: root, env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }, stdio: 'pipe' });
    const fresh = readFileSync(join(out, 'src', 'generated', 'onnx_pb.ts'), 'utf8');
    expect(readFileSync(join(root, 'src', 'generated', 'onnx_pb.ts'), 'utf8')).toBe(fresh);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
