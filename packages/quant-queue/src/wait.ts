import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Warning } from './engine.js';
import { runStatus, type RunStatus } from './status.js';

/**
 * Polls the run until no unit of it is waiting or running; `onTick` sees each status (the progress display). The pause
 * between polls is at least `intervalMs` and at least twice what the last poll took, so a run of many files does not
 * keep Redis busy answering its status.
 */
export async function waitForRun(redis: Redis, queue: Queue, prefix: string, id: string, onTick: (s: RunStatus) => void, intervalMs = 100): Promise<RunStatus> {
  for (;;) {
    const started = Date.now();
    const status = await runStatus(redis, queue, prefix, id);
    onTick(status);
    if (status.finished) return status;
    await new Promise((r) => setTimeout(r, Math.max(intervalMs, 2 * (Date.now() - started))));
  }
}

/** One progress line for the whole run: files done of all, bytes of the inputs done, failures. */
export function progressLine(s: RunStatus): string {
  const total = s.units.length;
  const bytes = s.units.reduce((a, u) => a + u.inputBytes, 0);
  const doneBytes = s.units.filter((u) => u.state === 'done').reduce((a, u) => a + u.inputBytes, 0);
  const pct = bytes > 0 ? Math.floor((100 * doneBytes) / bytes) : total > 0 ? Math.floor((100 * s.counts.done) / total) : 100;
  const extra = [s.counts.running > 0 ? `${s.counts.running} running` : '', s.counts.failed > 0 ? `${s.counts.failed} failed` : '', s.counts.cancelled > 0 ? `${s.counts.cancelled} cancelled` : ''].filter(Boolean);
  return `run ${s.run}: files ${s.counts.done}/${total} (${pct}%)${extra.length ? `  ${extra.join(', ')}` : ''}`;
}

/** A warning as `quant` prints one: "warning: <file>: tensor '<name>': <message>". */
export function warningText(w: Warning): string {
  return ['warning', ...(w.file !== undefined ? [w.file] : []), ...(w.tensor !== undefined ? [`tensor '${w.tensor}'`] : []), w.message].join(': ');
}

/**
 * The status as text: a summary line, then one line per unit that is not done (all of them with `all`), then the
 * run's warnings.
 */
export function statusText(s: RunStatus, all: boolean): string {
  const lines = [`${progressLine(s)}${s.cancelled ? '  [cancelled]' : ''}${s.finished ? '  [finished]' : ''}`];
  for (const u of s.units) {
    if (!all && u.state === 'done') continue;
    const why = u.failure ? `: ${u.failure.tensor ? `tensor '${u.failure.tensor}': ` : ''}${u.failure.message} [${u.failure.code}]` : '';
    lines.push(`  ${u.state.padEnd(9)} ${u.inputs.join(', ') || u.output} -> ${u.output}${why}`);
  }
  for (const w of s.warnings) lines.push(`  ${warningText(w)}`);
  return lines.join('\n');
}
