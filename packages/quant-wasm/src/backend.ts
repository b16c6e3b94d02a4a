import { KERNEL_NAMES, VERSION, kernelsOf, referenceBackend, type Backend, type BackendCapabilities, type KernelSignatures } from '@quantkit/quant-core';
import { kernelCall, MAX_ARRAYS, ModuleState, SMALL_BYTES } from './calls.js';
import { createWasmMemory, type WasmMemory } from './memory.js';
import { cString, instantiate, kernelModuleSync, unavailable, type WasmModule } from './module.js';

/** 'simd128' (the default: the SIMD128 kernel set) or 'scalar' (the portable loops, as compiled for wasm32). */
export type WasmIsa = 'simd128' | 'scalar';

export interface WasmBackendOptions {
  /** The kernel set. Default 'simd128'. */
  readonly isa?: WasmIsa;
  /**
   * The compiled module (loadWasmModule()'s result). Default: the package's quant_kernels.wasm, compiled synchronously
   * (Node.js), or the one loadWasmModule() compiled before (browsers).
   */
  readonly module?: WasmModule;
}

/** The WebAssembly Backend: every kernel of the kernel table, on one instance of the module (its own memory). */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  readonly isa: WasmIsa;
  /** The zero-copy path: arrays allocated inside the module's memory, used by calls in place. */
  readonly memory: WasmMemory;
}

/** Everything the reference does, but embeddings of float32 data only (as native: float64 ones run the reference's). */
const CAPABILITIES: BackendCapabilities = Object.freeze({ ...referenceBackend.capabilities, embeddings: Object.freeze(['float32'] as const) });

function namesAt(ex: ReturnType<typeof instantiate>, ptr: number): string[] {
  return cString(ex.memory, ptr).split(',').filter((s) => s !== '');
}

/**
 * A Backend on a fresh instance of quant_kernels.wasm. Arguments are validated by @quantkit/quant-core
 * (createQuantApi / createKernelApi) before they get here, as for every backend.
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const isa: WasmIsa = options.isa ?? 'simd128';
  const ex = instantiate(options.module ?? kernelModuleSync());
  const selected = cString(ex.memory, ex.qk_use_isa(isa === 'scalar' ? 0 : 1));
  if (selected !== isa) throw unavailable(`the module selected the kernel set '${selected}' for '${isa}'`);
  const kernelIds = new Map(namesAt(ex, ex.qk_kernel_names()).map((n, i) => [n, i]));
  const slots = Object.freeze(Object.fromEntries(namesAt(ex, ex.qk_slot_names()).map((n, i) => [n, i])));
  const missing = KERNEL_NAMES.find((k) => !kernelIds.has(k));
  if (missing !== undefined) throw unavailable(`quant_kernels.wasm lacks the kernel ${missing} (a module of another version?)`);
  const argsPtr = ex.qk_alloc(MAX_ARRAYS * 12);
  const descPtr = ex.qk_alloc(Object.keys(slots).length * 8);
  const scratchPtr = ex.qk_alloc(SMALL_BYTES);
  if (argsPtr === 0 || descPtr === 0 || scratchPtr === 0) throw unavailable('no memory for the call areas');
  const state = new ModuleState(ex, slots, argsPtr, descPtr, scratchPtr);
  const memory = createWasmMemory(state, ex.qk_mark());
  const kernels = kernelsOf((name) => kernelCall(state, name, kernelIds.get(name)!) as KernelSignatures[typeof name]);
  return Object.freeze({ name: 'wasm', isa, version: VERSION, threads: 1, capabilities: CAPABILITIES, memory, ...kernels });
}
