import { runSearch, type AsyncBackend, type SearchRequest, type SearchResult } from '../../src/index.js';
import { turn } from '../helpers/async-backend.js';

/** Counts turns of the event loop (a chain of setImmediate callbacks) until stopped; `onTurn` runs at each. */
export function countTurns(onTurn?: (turns: number) => void): { readonly turns: () => number; stop(): void } {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    onTurn?.(turns);
    setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => (running = false) };
}

/**
 * A searchAsync that does what a worker thread does: the request crosses by structured clone with its buffers
 * transferred (so a calibrator that read its arrays again would see them detached), the search runs, the result comes
 * back on a later turn. Records the kinds it took.
 */
export function workerLikeSearch(): { searchAsync: NonNullable<AsyncBackend['searchAsync']>; kinds: string[] } {
  const kinds: string[] = [];
  const searchAsync = async (search: SearchRequest): Promise<SearchResult> => {
    kinds.push(search.kind);
    const array = search.kind === 'quantiles' ? search.values : search.counts;
    const moved = structuredClone(search, { transfer: [array.buffer as ArrayBuffer] });
    await turn();
    return runSearch(moved);
  };
  return { searchAsync, kinds };
}
