import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Failure, PlannedFile, RunPlan } from '@quantkit/quant-queue';
import { CliError } from '../errors.js';

/*
 * The plan of a `quant submit --command onnx|gguf` run: one job per model file, each the `quant onnx` / `quant gguf`
 * command on that one model. A directory is searched recursively for files with the command's extension; the outputs
 * mirror the inputs under -o (a directory), or -o is the output file of a single model named on the command line.
 */

export interface ModelPlanOptions {
  /** '.onnx' or '.gguf'. */
  readonly extension: string;
  /** Files beside a model that are part of its input (ONNX external data): they join its identity and size. */
  readonly companions?: (model: string, siblings: readonly string[]) => string[];
  readonly failureOf: (e: unknown, where: { readonly file?: string }) => Failure;
}

async function modelsUnder(dir: string, extension: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Hidden entries are skipped: they hold temporaries (a run writing into the tree it reads).
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await modelsUnder(path, extension)));
    else if (entry.isFile() && extname(entry.name).toLowerCase() === extension) found.push(path);
  }
  return found.sort();
}

export async function planModels(inputs: readonly string[], output: string, o: ModelPlanOptions): Promise<RunPlan> {
  const problems: Failure[] = [];
  const models: { path: string; relative: string }[] = [];
  let fromDirectory = false;
  for (const input of inputs) {
    try {
      if ((await stat(input)).isDirectory()) {
        fromDirectory = true;
        const under = await modelsUnder(input, o.extension);
        if (under.length === 0) throw new CliError('NO_INPUTS', `no ${o.extension} file in this directory`, { file: input });
        models.push(...under.map((path) => ({ path, relative: relative(input, path) })));
      } else {
        models.push({ path: input, relative: basename(input) });
      }
    } catch (e) {
      problems.push(o.failureOf(e, { file: input }));
    }
  }
  const toDirectory = /[\\/]$/.test(output) || fromDirectory || inputs.length > 1 || (await stat(output).then((s) => s.isDirectory(), () => false)) || extname(output).toLowerCase() !== o.extension;
  // Earlier outputs inside a searched input directory are not inputs.
  const outputDir = resolve(output) + sep;
  if (toDirectory) models.splice(0, models.length, ...models.filter((m) => !resolve(m.path).startsWith(outputDir)));
  const inputPaths = new Set(models.map((m) => resolve(m.path)));
  const byOutput = new Map<string, string>();
  const files: PlannedFile[] = [];
  for (const model of models) {
    const target = toDirectory ? join(output, model.relative) : output;
    try {
      if (inputPaths.has(resolve(target))) throw new CliError('OUTPUT_IS_INPUT', `the output '${target}' is an input model (choose another output)`, { file: model.path });
      const other = byOutput.get(target);
      if (other !== undefined) throw new CliError('DUPLICATE_NAME', `would write the same output '${target}' as '${other}'`, { file: model.path });
      byOutput.set(target, model.path);
      const siblings = o.companions ? await readdir(dirname(model.path)).catch(() => [] as string[]) : [];
      const companions = o.companions?.(model.path, siblings) ?? [];
      files.push({ output: target, inputs: [model.path, ...companions].map((path) => ({ path, npyName: '' })) });
    } catch (e) {
      problems.push(o.failureOf(e, { file: model.path }));
    }
  }
  return { files, problems };
}

/** An output path as workers get it: absolute, a trailing separator kept (it says "a directory"). */
export function absoluteOutput(output: string): string {
  return resolve(output) + (/[\\/]$/.test(output) ? sep : '');
}
