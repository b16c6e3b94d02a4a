import { QuantError } from '@quantkit/quant-core';
import { WasmErrorCodes } from './errors.js';

/*
 * Finding, compiling and instantiating quant_kernels.wasm. Node.js: synchronously (the file read with fs, obtained
 * through process.getBuiltinModule so that nothing here imports a Node built-in), so the adapter's synchronous API
 * can select this backend on its first call. Browsers: asynchronously (fetch + WebAssembly.compile), or from bytes or
 * a compiled module the caller provides. No eval, no Function, no Node built-in on the browser path.
 */

/** The part of the WebAssembly JavaScript API this package uses (declared here: the package builds without DOM types). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmMemoryObject {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; exports(m: WasmModule): { name: string; kind: string }[] };
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
}

/** The module's exports (native/wasm/src: abi.h, arena.cc, entries.cc). */
export interface KernelExports {
  readonly memory: WasmMemoryObject;
  qk_call(kernel: number, arrays: number, descriptor: number): number;
  qk_alloc(bytes: number): number;
  qk_mark(): number;
  qk_reset(mark: number): void;
  qk_kernel_names(): number;
  qk_slot_names(): number;
  qk_use_isa(simd: number): number;
}

/** The file name of the module, next to this package's dist/index.js. */
export const WASM_FILE = 'quant_kernels.wasm';

function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw unavailable('this JavaScript runtime has no WebAssembly');
  return api;
}

export function unavailable(message: string, cause?: unknown): QuantError {
  return new QuantError(WasmErrorCodes.UNAVAILABLE, `the WebAssembly backend is unavailable: ${message}`, cause === undefined ? undefined : { cause });
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!;
}

/** Where the .wasm may be: beside the built module (dist/), or, when this file runs from src/ (tests), in ../dist/. */
function candidates(): URL[] {
  return [new URL(`./${WASM_FILE}`, import.meta.url), new URL(`../dist/${WASM_FILE}`, import.meta.url)];
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
  existsSync(path: URL): boolean;
}

/** The module's bytes read synchronously (Node.js), or undefined where there is no file system (browsers). */
function readBytesSync(): Uint8Array | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (fs === undefined) return undefined;
  const urls = candidates();
  const found = urls.find((u) => u.protocol === 'file:' && fs.existsSync(u));
  if (found === undefined) throw unavailable(`${WASM_FILE} not found (looked at ${urls.map((u) => u.pathname).join(', ')}); build it with pnpm --filter @quantkit/quant-wasm build`);
  return fs.readFileSync(found);
}

/** Compiles bytes synchronously; a module the runtime cannot compile (no SIMD128, a damaged file) is UNAVAILABLE. */
export function compileSync(bytes: Uint8Array): WasmModule {
  const api = wasmApi();
  try {
    return new api.Module(bytes);
  } catch (error) {
    throw unavailable(`${WASM_FILE} does not compile here (${reason(error)}); the module needs WebAssembly SIMD128`, error);
  }
}

let compiled: WasmModule | undefined;

/** The package's module, compiled once, synchronously (Node.js; throws UNAVAILABLE where that cannot be done). */
export function kernelModuleSync(): WasmModule {
  if (compiled !== undefined) return compiled;
  const bytes = readBytesSync();
  if (bytes === undefined) throw unavailable('no synchronous way to load the module in this runtime: use loadWasmModule() (async) first');
  return (compiled = compileSync(bytes));
}

/**
 * The package's module, compiled once: from `source` when given (bytes, or a URL / path string to fetch), else from
 * the file beside this module (read synchronously in Node.js, fetched in browsers). After it resolves,
 * createWasmBackend() works synchronously in every runtime.
 */
export async function loadWasmModule(source?: Uint8Array | ArrayBuffer | URL | string): Promise<WasmModule> {
  if (source === undefined && compiled !== undefined) return compiled;
  const api = wasmApi();
  let bytes: Uint8Array | undefined;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (source === undefined) bytes = readBytesSync();
  if (bytes === undefined) bytes = await fetchBytes(source instanceof URL || typeof source === 'string' ? source : candidates()[0]!);
  let m: WasmModule;
  try {
    m = await api.compile(bytes);
  } catch (error) {
    throw unavailable(`${WASM_FILE} does not compile here (${reason(error)}); the module needs WebAssembly SIMD128`, error);
  }
  if (source === undefined) compiled = m;
  return m;
}

async function fetchBytes(url: URL | string): Promise<Uint8Array> {
  const f = (globalThis as { fetch?: (u: URL | string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (f === undefined) throw unavailable(`cannot fetch ${String(url)}: this runtime has no fetch`);
  let response;
  try {
    response = await f(url);
  } catch (error) {
    throw unavailable(`fetching ${String(url)} failed (${reason(error)})`, error);
  }
  if (!response.ok) throw unavailable(`fetching ${String(url)} failed with HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A fresh instance of `module` (each backend has its own memory), with its exports checked. */
export function instantiate(module: WasmModule): KernelExports {
  const api = wasmApi();
  let instance: WasmInstance;
  try {
    instance = new api.Instance(module, {});
  } catch (error) {
    throw unavailable(`${WASM_FILE} does not instantiate here (${reason(error)})`, error);
  }
  const e = instance.exports;
  for (const name of ['memory', 'qk_call', 'qk_alloc', 'qk_mark', 'qk_reset', 'qk_kernel_names', 'qk_slot_names', 'qk_use_isa']) {
    if (!(name in e)) throw unavailable(`${WASM_FILE} lacks the export ${name} (a module of another version?)`);
  }
  return e as unknown as KernelExports;
}

/** The NUL-terminated string at `ptr` of memory. */
export function cString(memory: WasmMemoryObject, ptr: number): string {
  const bytes = new Uint8Array(memory.buffer);
  let end = ptr;
  while (bytes[end] !== 0) end++;
  let s = '';
  for (let i = ptr; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}
