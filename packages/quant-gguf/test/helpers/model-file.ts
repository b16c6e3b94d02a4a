import { join } from 'node:path';
import { writeGgufFile } from '../../src/index.js';
import { tinyModel, type TinyModel, type TinyModelOptions } from './tiny-model.js';

let files = 0;

/** Writes a tiny model into `dir` under a fresh name; returns its path (and the model, for comparisons). */
export async function writeTinyModel(dir: string, options: TinyModelOptions | TinyModel = {}): Promise<string> {
  const model = 'tensors' in options ? options : tinyModel(options);
  const path = join(dir, `in-${++files}.gguf`);
  await writeGgufFile(path, model.metadata, model.tensors);
  return path;
}
