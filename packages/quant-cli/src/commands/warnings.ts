import type { Progress } from '../progress.js';
import { visible } from '../safe-text.js';
import { reportWarning } from './failures.js';

/** Something the user should know that does not stop the run: a glob that matched nothing, a grid that overflows. */
export interface Warning {
  readonly kind: 'unmatched-glob' | 'range-overflow';
  readonly file?: string;
  readonly tensor?: string;
  readonly message: string;
}

/**
 * The warnings of a run: printed on stderr as they come ("quant: warning: <file>: tensor '<name>': <message>", unless
 * --quiet) and kept for the --json summary's `warnings` field.
 */
export class Warnings {
  readonly list: Warning[] = [];

  constructor(
    private readonly print: boolean,
    private readonly progress?: Progress,
  ) {}

  add(w: Warning): void {
    this.list.push(w);
    if (!this.print) return;
    const where = [...(w.file !== undefined ? [visible(w.file)] : []), ...(w.tensor !== undefined ? [`tensor '${visible(w.tensor)}'`] : [])];
    reportWarning([...where, w.message].join(': '), this.progress);
  }

  json(): Record<string, unknown>[] {
    return this.list.map((w) => ({ kind: w.kind, file: w.file ?? null, tensor: w.tensor ?? null, message: w.message }));
  }
}
