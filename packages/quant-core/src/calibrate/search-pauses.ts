/*
 * The long searches of calibration (the entropy KL scan, PyTorch's L2 search, the MSE model search, quantile
 * selection) are generators that pause, yielding nothing, after about SEARCH_CHUNK units of work (a unit is one inner
 * step: a bin, a candidate-bin pair, an element). Pausing changes nothing in the arithmetic, so every way of running a
 * search gives the same result bit for bit: the synchronous API runs it straight through (finish), the async API
 * turns the event loop and checks its AbortSignal at each pause, a worker thread checks its stop flag there.
 */

/** A search that pauses between chunks of its work and returns T. */
export type PausingSearch<T> = Generator<void, T, void>;

/** Work units between two pauses: a few milliseconds of the slowest search (entropy, about 50 ns per unit). */
export const SEARCH_CHUNK = 1 << 18;

/** Runs a search to its end, ignoring its pauses. */
export function finish<T>(search: PausingSearch<T>): T {
  for (;;) {
    const step = search.next();
    if (step.done) return step.value;
  }
}
