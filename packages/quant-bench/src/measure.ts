/**
 * Timing: warm up, then take the median of several timed repetitions. Each repetition runs the operation enough
 * times to last at least `minMs`, so tiny inputs are not dominated by timer resolution; a call that alone lasts longer
 * than that is timed one call per repetition.
 *
 * Several operations that are compared with each other (the columns of one row) are timed INTERLEAVED: repetition r of
 * every operation runs before repetition r + 1 of any. On a machine shared with other work, a burst of load then hits
 * all columns alike instead of one of them, which keeps the ratios honest.
 */
export interface Measurement {
  /** Median seconds per call. */
  readonly secondsPerCall: number;
  /** Elements per second at the median. */
  readonly elementsPerSecond: number;
  /** The fastest repetition's seconds per call (a bimodal operation shows as a large gap to the median). */
  readonly bestSecondsPerCall: number;
  /** Timed repetitions behind the median, and calls per repetition. */
  readonly repetitions: number;
  readonly callsPerRepetition: number;
}

export interface MeasureOptions {
  /** Timed repetitions (the median is reported); fewer when they would blow `budgetMs`. */
  readonly repetitions: number;
  /** Shortest repetition, in milliseconds. */
  readonly minMs: number;
  /** Time the timed repetitions of one operation may take together; at least 3 repetitions run whatever it says. */
  readonly budgetMs: number;
}

/** One operation to time: `elements` per call; `run` may return a Promise (awaited inside the timing). */
export interface Timed {
  readonly elements: number;
  readonly run: () => unknown;
}

const MIN_REPETITIONS = 3;
const MAX_CALLS = 1 << 24;

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `calls` calls back to back and returns the milliseconds they took. */
async function batch(run: () => unknown, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const r = run();
    if (r instanceof Promise) await r;
  }
  return performance.now() - t0;
}

interface Plan {
  readonly calls: number;
  readonly repetitions: number;
}

/**
 * Warm-up doubles as calibration: it grows the batch until it lasts half of `minMs` (at least one call: V8 optimises
 * the code, caches and page tables settle, output pages are touched once). Then: calls per repetition so that one
 * lasts `minMs`, and as many repetitions as fit the budget (at least 3, at most options.repetitions).
 */
async function calibrate(t: Timed, options: MeasureOptions): Promise<Plan> {
  let calls = 1;
  let ms: number;
  for (;;) {
    ms = await batch(t.run, calls);
    if (ms >= options.minMs / 2 || calls >= MAX_CALLS) break;
    calls *= ms < 0.01 ? 16 : Math.max(2, Math.ceil(options.minMs / Math.max(ms, 0.001)));
  }
  const msPerCall = Math.max(ms, 0.001) / calls;
  const perRepetition = Math.max(1, Math.min(MAX_CALLS, Math.ceil(options.minMs / msPerCall)));
  const fit = Math.floor(options.budgetMs / (perRepetition * msPerCall));
  return { calls: perRepetition, repetitions: Math.max(MIN_REPETITIONS, Math.min(options.repetitions, fit)) };
}

/** Times several operations interleaved (see the header); results in the order given. */
export async function measureInterleaved(timed: readonly Timed[], options: MeasureOptions): Promise<Measurement[]> {
  const plans: Plan[] = [];
  for (const t of timed) plans.push(await calibrate(t, options));
  const samples: number[][] = timed.map(() => []);
  const rounds = Math.max(0, ...plans.map((p) => p.repetitions));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < timed.length; i++) {
      if (r >= plans[i]!.repetitions) continue;
      samples[i]!.push((await batch(timed[i]!.run, plans[i]!.calls)) / 1000 / plans[i]!.calls);
    }
  }
  return timed.map((t, i) => {
    const secondsPerCall = median(samples[i]!);
    const bestSecondsPerCall = Math.min(...samples[i]!);
    return { secondsPerCall, elementsPerSecond: t.elements / secondsPerCall, bestSecondsPerCall, repetitions: samples[i]!.length, callsPerRepetition: plans[i]!.calls };
  });
}

/** Times one operation. */
export async function measure(elements: number, run: () => unknown, options: MeasureOptions): Promise<Measurement> {
  return (await measureInterleaved([{ elements, run }], options))[0]!;
}
