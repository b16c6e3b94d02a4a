import { readFile } from 'node:fs/promises';
import { fail, toCliError } from '../errors.js';
import { isFloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { isQuantizedFile } from '../formats/quantized-file.js';
import type { QuantSettings } from '../formats/quantized-format.js';
import { parseCalibration, parsePlan, planChoiceFor, PlanErrorCodes, unmatchedPlanEntries, type PlanChoice, type QuantPlan } from '../lib.js';
import { visible } from '../safe-text.js';

/*
 * `quant quantize --plan FILE`: per-tensor choices from a plan (docs/ANALYSIS.md, "The plan format"). A tensor the plan
 * names (exactly, by a pattern or by its default) is quantized as the plan says, or left as it is for "keep"; the
 * others get the command line's settings. The plan is checked against the inputs before anything is written: an exact
 * name that is no float tensor of any input, or a GGML format (which only quant gguf writes), is a usage error.
 */

/** Reads and validates a plan file; a malformed plan is a usage error naming the file and the plan code. */
export async function readPlanFile(path: string): Promise<QuantPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw toCliError(e, { file: path });
  }
  try {
    return parsePlan(text);
  } catch (e) {
    if (!(e instanceof Error && e.name === 'QuantError')) throw e;
    fail('USAGE', `--plan ${visible(path)}: ${e.message} (${(e as Error & { code: string }).code})`);
  }
}

/** quant quantize's settings for a plan choice (unset fields took the plan's defaults when it was read). */
export function settingsOfChoice(c: PlanChoice & { kind: 'quantkit' }, base: QuantSettings): QuantSettings {
  return {
    scheme: c.scheme,
    bits: c.bits,
    granularity: c.granularity,
    axis: c.axis ?? 0,
    blockSize: c.blockSize ?? 32,
    profile: c.profile,
    packed: c.packed,
    narrowRange: c.narrowRange,
    calibration: parseCalibration(c.calibrator),
    ...(base.allowLargeParams ? { allowLargeParams: true } : {}),
  };
}

async function floatTensorNames(inputs: readonly { path: string; npyName?: string }[]): Promise<string[]> {
  const names: string[] = [];
  for (const input of inputs) {
    let opened;
    try {
      opened = await openInput(input.path, input.npyName);
    } catch {
      continue; // the job reports unreadable inputs
    }
    await opened.fh.close();
    if (isQuantizedFile(opened.input)) continue;
    for (const t of opened.input.tensors) if (isFloatDtype(t.dtype)) names.push(t.name);
  }
  return names;
}

export interface AppliedPlan {
  /** False for tensors the plan keeps as they are. */
  readonly quantizes: (name: string) => boolean;
  /** The plan's settings for a tensor, undefined when the plan does not name it. */
  readonly settingsFor: (name: string) => QuantSettings | undefined;
}

/**
 * Checks the plan against the inputs' float tensors and returns how it applies. Unmatched patterns are reported through
 * `warn`; unknown exact names and GGML choices fail (E_USAGE, the plan code in the message).
 */
export async function applyPlan(plan: QuantPlan, path: string, base: QuantSettings, inputs: readonly { path: string; npyName?: string }[], warn: (message: string) => void): Promise<AppliedPlan> {
  const names = await floatTensorNames(inputs);
  const unmatched = unmatchedPlanEntries(plan, names);
  if (unmatched.names.length > 0) {
    fail('USAGE', `--plan ${visible(path)} names ${unmatched.names.map((n) => `'${visible(n)}'`).join(', ')}, not a float tensor of the input${inputs.length === 1 ? '' : 's'} (${PlanErrorCodes.UNKNOWN_TENSOR})`);
  }
  for (const p of unmatched.patterns) warn(`--plan ${visible(path)}: pattern '${visible(p)}' matches no float tensor`);
  const ggml = names.map((n) => [n, planChoiceFor(plan, n)] as const).filter(([, c]) => c?.kind === 'ggml');
  if (ggml.length > 0) {
    const [n, c] = ggml[0]!;
    fail('USAGE', `--plan ${visible(path)}: tensor '${visible(n)}' is planned as GGML ${(c as { format: string }).format}${ggml.length > 1 ? ` (and ${ggml.length - 1} more)` : ''}, which quant quantize does not write; use quant gguf, or plan with 'quant compare --target quantize' (${PlanErrorCodes.NOT_APPLICABLE})`);
  }
  return planSelection(plan, base);
}

/** How a checked plan applies to tensors by name (no file access: queue workers call it with the plan's text parsed). */
export function planSelection(plan: QuantPlan, base: QuantSettings): AppliedPlan {
  const cache = new Map<string, QuantSettings | undefined>();
  return {
    quantizes: (name) => planChoiceFor(plan, name)?.kind !== 'keep',
    settingsFor: (name) => {
      if (!cache.has(name)) {
        const c = planChoiceFor(plan, name);
        cache.set(name, c?.kind === 'quantkit' ? settingsOfChoice(c, base) : undefined);
      }
      return cache.get(name);
    },
  };
}
