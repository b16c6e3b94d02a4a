import { fail } from '../errors.js';
import { isFloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { isQuantizedFile } from '../formats/quantized-file.js';
import { describeGlob, type GlobOption, type NameFilter } from '../glob.js';

/*
 * --include/--exclude act on float tensors. A pattern that matches none of them is almost always a typo, and a run
 * whose patterns select nothing would otherwise exit 0 having done nothing. Before any work, the headers of the inputs
 * (cheap: no tensor data is read) are matched against the patterns: each pattern that matches no float tensor of any
 * input is a warning, and selecting no float tensor at all is E_NO_INPUTS.
 */

export interface SelectionInput {
  readonly path: string;
  /** The tensor name a .npy file gets in this run (quantize bundles name it after its path). */
  readonly npyName?: string;
}

/** Float tensor names of the inputs whose header can be read; unreadable inputs are left to the command to report. */
async function floatNames(inputs: readonly SelectionInput[]): Promise<{ names: string[]; readable: number }> {
  const names: string[] = [];
  let readable = 0;
  for (const input of inputs) {
    let opened;
    try {
      opened = await openInput(input.path, input.npyName);
    } catch {
      continue;
    }
    await opened.fh.close();
    // Quantized files are refused by quantize, compare and report, and shown whole by inspect: no filter applies.
    if (isQuantizedFile(opened.input)) continue;
    readable++;
    for (const t of opened.input.tensors) if (isFloatDtype(t.dtype)) names.push(t.name);
  }
  return { names, readable };
}

function why(filter: NameFilter, names: readonly string[], unmatched: readonly GlobOption[]): string {
  const list = (gs: readonly GlobOption[]): string => gs.map(describeGlob).join(', ');
  if (names.length === 0) return 'the inputs hold no float tensor to select';
  const includes = filter.include.filter((g) => !unmatched.includes(g));
  if (filter.include.length > 0 && includes.length === 0) return `no float tensor matches ${list(filter.include)}`;
  return `every float tensor ${includes.length > 0 ? `matched by ${list(includes)} ` : ''}is excluded by ${list(filter.exclude)}`;
}

/**
 * Warns (through `warn`) about each pattern that matches no float tensor of any input, and fails with E_NO_INPUTS
 * when the patterns select no float tensor at all. Does nothing without patterns, or when no input could be read.
 */
export async function checkSelection(filter: NameFilter, inputs: readonly SelectionInput[], warn: (message: string) => void): Promise<void> {
  if (!filter.active) return;
  const { names, readable } = await floatNames(inputs);
  if (readable === 0) return;
  const unmatched = [...filter.include, ...filter.exclude].filter((g) => !names.some((n) => g.re.test(n)));
  for (const g of unmatched) warn(`${describeGlob(g)} matches no float tensor in ${readable === 1 ? 'the input' : `any of the ${readable} inputs`}`);
  if (!names.some((n) => filter.selects(n))) fail('NO_INPUTS', `nothing to do: ${why(filter, names, unmatched)}`);
}
