import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';

// `quant onnx` is @quantkit/quant-onnx's command (its own tests prove the models against onnxruntime-node); here: the
// binary dispatches to it, with its help, its exit statuses and no output left behind on failure.
describe('quant onnx', () => {
  const tmp = tempDir();

  it('is listed by quant --help and prints its own help', () => {
    checkBuilt();
    expect(quant(['--help']).stdout).toMatch(/^ {2}onnx {9}quantize the weights of an ONNX model/m);
    const r = quant(['onnx', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: quant onnx <model\.onnx> -o <out\.onnx>/);
  });

  it('fails cleanly on a file that is not ONNX, leaving no output', () => {
    const input = join(tmp.dir, 'not-a-model.onnx');
    writeFileSync(input, 'definitely not a protobuf');
    const output = join(tmp.dir, 'out.onnx');
    const r = quant(['onnx', input, '-o', output]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_ONNX_/);
    expect(existsSync(output)).toBe(false);
  });
});
