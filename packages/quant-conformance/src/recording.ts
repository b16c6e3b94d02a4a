import { kernelsOf, type Backend, type KernelName } from '@quantkit/quant-core';

/**
 * A backend that forwards every kernel of the kernel table to `inner` (called as its method, so class-based backends
 * work) and records, in order, which kernels ran. `overrides` replaces identity fields, capabilities or kernels.
 */
export function recordingBackend(inner: Backend, overrides: Partial<Backend> = {}): { backend: Backend; calls: KernelName[] } {
  const calls: KernelName[] = [];
  const kernels = kernelsOf((name) => ((...args: unknown[]) => {
    calls.push(name);
    return (inner[name] as (...a: unknown[]) => unknown).apply(inner, args);
  }) as Backend[typeof name]);
  const backend: Backend = { name: inner.name, isa: inner.isa, version: inner.version, threads: inner.threads, capabilities: inner.capabilities, ...kernels, ...overrides };
  return { backend, calls };
}
