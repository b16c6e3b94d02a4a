import { asyncNameOf, hasAsyncKernels, KERNEL_NAMES, KERNEL_TABLE, type AsyncBackend, type AsyncOptions, type Backend } from '@quantkit/quant-core';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The async kernels a backend is proven with: its own when it has them (the native backend's run on worker threads),
 * else its synchronous kernels, each run one event-loop turn after the call, so a check can act (detach a buffer)
 * while a call is running.
 */
export function asyncBackendOf(backend: Backend): AsyncBackend {
  if (hasAsyncKernels(backend)) return backend;
  const kernels = Object.fromEntries(
    KERNEL_NAMES.map((name) => {
      const arity = KERNEL_TABLE[name].params.length;
      const kernel = backend[name] as (...args: unknown[]) => unknown;
      return [
        asyncNameOf(name),
        async (...args: unknown[]) => {
          await turn();
          const signal = (args[arity] as AsyncOptions | undefined)?.signal;
          if (signal?.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
          return kernel.apply(backend, args.slice(0, arity));
        },
      ];
    }),
  );
  return { name: backend.name, capabilities: backend.capabilities, ...kernels } as unknown as AsyncBackend;
}
