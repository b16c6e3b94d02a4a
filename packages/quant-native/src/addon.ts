import { arrayParamsOf, asyncNameOf, KERNEL_NAMES, type AsyncKernelName, type KernelName } from '@quantkit/quant-core';

/**
 * The JavaScript interface version this package speaks; native/src/binding/addon.cc has the same kAbiVersion, and the
 * loader refuses a binary that reports another one. Bump both together.
 */
export const ABI_VERSION = 9;

/**
 * One kernel as the addon exports it: the kernel's typed arrays in parameter order (KernelInfo.params without the
 * scalars; the addon lists them in `kernelArrays`), then the descriptor: a Uint8Array over the bytes of a Float64Array
 * holding every scalar argument and scalar result in the slots the addon names in `descriptorSlots`. Arguments are checked again in C++ (types,
 * lengths, layouts), but values are validated by @quantkit/quant-core; use createNativeBackend instead.
 */
export type NativeKernel = (...arraysThenDescriptor: ArrayBufferView[]) => void;

/**
 * The same off the JavaScript thread, with an optional cancel flag last: `cancel[0] = 1` (Atomics.store) stops the
 * work at the next chunk and the promise rejects with an Error named 'AbortError'. Outputs, descriptor results
 * included, are complete only once the promise resolves.
 */
export type NativeAsyncKernel = (...arraysThenDescriptorThenCancel: (ArrayBufferView | undefined)[]) => Promise<void>;

/** The kernels of one engine (a kernel set and a thread count): every kernel of the table, sync and async. */
export type NativeKernels = { readonly [K in KernelName]: NativeKernel } & { readonly [K in KernelName as AsyncKernelName<K>]: NativeAsyncKernel };

export interface NativeEngine extends NativeKernels {
  /** The kernel set this engine runs ('avx2', 'scalar', ...). */
  readonly isa: string;
  readonly threads: number;
}

/** The module object of quant_native.node. Its own kernels are those of the default engine ('auto', all cores). */
export interface NativeAddon extends NativeEngine {
  readonly abiVersion: number;
  /** The @quantkit/quant-native version the binary was built for. */
  readonly version: string;
  /** The kernel sets this CPU can run, best first, comma separated ('avx2,scalar'). */
  readonly availableIsas: string;
  /** Cores this process may use (CPU affinity). */
  readonly hardwareConcurrency: number;
  /** The descriptor's slot names, in slot order (native/src/binding/descriptor.h declares them). */
  readonly descriptorSlots: readonly string[];
  /** Each kernel's array arguments, in order, as the C++ binding declares them. */
  readonly kernelArrays: Readonly<Record<string, readonly string[]>>;
  /** An engine for a kernel set ('auto' or a name of availableIsas' list) and a thread count (1..256). */
  createEngine(isa: string, threads: number): NativeEngine;
}

/**
 * Why an addon does not speak this package's kernel table, or undefined if it does: every kernel (sync and async)
 * must be there, and take its arrays in the order the table declares. Checked when the addon is loaded, so a binding
 * that disagrees with TypeScript is refused instead of reading the wrong arrays.
 */
export function kernelMismatch(addon: Partial<NativeAddon>): string | undefined {
  const declared = addon.kernelArrays;
  if (typeof declared !== 'object' || declared === null || !Array.isArray(addon.descriptorSlots)) return 'it has no kernelArrays / descriptorSlots';
  for (const name of KERNEL_NAMES) {
    const want = arrayParamsOf(name).join(',');
    const got = Array.isArray(declared[name]) ? declared[name].join(',') : undefined;
    if (got !== want) return `kernel ${name} takes arrays (${got ?? 'missing'}) where this package passes (${want})`;
    if (typeof addon[name] !== 'function' || typeof addon[asyncNameOf(name)] !== 'function') return `kernel ${name} is not exported`;
  }
  return undefined;
}
