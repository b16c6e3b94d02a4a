import { describe, expect, it } from 'vitest';
import { accepts, separateOptions, splitModels } from '../src/queue/command-args.js';

/*
 * `quant submit --command onnx|gguf`: the arguments split into submit's options, the models and the command's
 * options, the command's parser deciding which options take a value (here a stand-in parser: --mode and --exclude take
 * one, --flag does not, anything else is unknown).
 */

const SUBMIT = { redis: { type: 'string' }, prefix: { type: 'string' }, output: { type: 'string', short: 'o' }, wait: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const;

function parser(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--flag' || !a.startsWith('-') || a.includes('=')) continue;
    if ((a === '--mode' || a === '--exclude' || a === '-o') && i + 1 < argv.length) i++;
    else throw new Error(`bad option ${a}`);
  }
}
const isFlag = (arg: string): boolean => accepts(parser, ['m', '-o', 'o', arg]);

describe('quant submit argument split', () => {
  it("takes submit's options out, values and short forms included, the rest in order", () => {
    const { own, rest } = separateOptions(['a.onnx', '--redis', 'r', '-o', 'out/', '--mode', 'qdq', '--wait', '--prefix=p', '-q', 'b.onnx'], SUBMIT);
    expect(own).toEqual(['--redis', 'r', '-o', 'out/', '--wait', '--prefix=p', '-q']);
    expect(rest).toEqual(['a.onnx', '--mode', 'qdq', 'b.onnx']);
  });

  it("tells models from the command's options by asking the command's parser", () => {
    expect(splitModels(['a.onnx', '--mode', 'qdq', 'b.onnx', '--flag', 'c.onnx', '--exclude=x*', '--exclude', 'y*', 'd.onnx'], isFlag)).toEqual({
      models: ['a.onnx', 'b.onnx', 'c.onnx', 'd.onnx'],
      options: ['--mode', 'qdq', '--flag', '--exclude=x*', '--exclude', 'y*'],
    });
  });

  it("an unknown option keeps the next argument (the command's parser then names it); '--' ends the options", () => {
    expect(splitModels(['--bogus', 'x', 'a.onnx', '--', '--odd-name.onnx'], isFlag)).toEqual({ models: ['a.onnx', '--odd-name.onnx'], options: ['--bogus', 'x'] });
  });
});
