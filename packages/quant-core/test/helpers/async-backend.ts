import { asyncNameOf, KERNEL_NAMES, KERNEL_TABLE, referenceBackend, type AsyncBackend, type AsyncOptions } from '../../src/index.js';

/** One turn of the event loop: what a backend running on another thread gives the caller before it settles. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * An AsyncBackend over the reference kernels that settles each call one event-loop turn after it was made, so a test
 * can act (detach a buffer, abort) while a call is running, as it could with the native backend's worker threads.
 * It has no searchAsync unless given one: without it, long calibration searches take core's own path (chunks on this
 * thread).
 *
 * The conformance suite has a like adapter for any Backend (quant-conformance/src/checks/async-backend.ts). Core's tests
 * do not import it as they import its random.ts (helpers/rng.ts): that file imports nothing, this one imports
 * @quantkit/quant-core by name (a self-reference from here) and is the published suite's code, free to change for the
 * suite's needs; it also takes no searchAsync.
 */
export function turnAsyncBackend(searchAsync?: AsyncBackend['searchAsync']): AsyncBackend {
  const kernels = Object.fromEntries(
    KERNEL_NAMES.map((name) => {
      const arity = KERNEL_TABLE[name].params.length;
      const kernel = referenceBackend[name] as (...args: unknown[]) => unknown;
      return [
        asyncNameOf(name),
        async (...args: unknown[]) => {
          const signal = (args[arity] as AsyncOptions | undefined)?.signal;
          await turn();
          if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
          return kernel(...args.slice(0, arity));
        },
      ];
    }),
  );
  return { name: 'reference (one turn per call)', capabilities: referenceBackend.capabilities, ...kernels, ...(searchAsync ? { searchAsync } : {}) } as unknown as AsyncBackend;
}
