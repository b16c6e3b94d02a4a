import type { QuantSettings } from '../formats/quantized-format.js';
import { NameFilter } from '../glob.js';

/** The quantize options a queued job carries (JSON through Redis): the settings and the tensor selection. */
export interface QueueOptions {
  readonly settings: QuantSettings;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export function asQueueOptions(options: unknown): QueueOptions {
  return options as QueueOptions;
}

export function selectorOf(o: QueueOptions): (name: string) => boolean {
  const filter = new NameFilter(o.include, o.exclude);
  return (name) => filter.selects(name);
}
