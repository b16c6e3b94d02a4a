import { errorReportOf, KERNEL_TABLE, QuantError, type KernelName, type KernelParam } from '@quantkit/quant-core';
import { chunkPlan } from './chunks.js';
import { WasmErrorCodes } from './errors.js';
import type { KernelExports } from './module.js';
import { writerOf, type Slots } from './scalars.js';

/*
 * One kernel call through the module (native/wasm/src/abi.h): scalar arguments into the descriptor, typed arrays
 * into linear memory chunk by chunk (chunks.ts), qk_call per chunk, outputs and results back. Arrays already inside
 * the module's memory (allocated with WasmMemory: the zero-copy path) are used in place, never copied.
 */

type View = ArrayBufferView & { readonly length: number; readonly BYTES_PER_ELEMENT: number };

/** Element type codes of abi.h's Elem. */
function elemOf(a: View): number {
  if (a instanceof Int8Array) return 0;
  if (a instanceof Uint8Array) return 1;
  if (a instanceof Int16Array) return 2;
  if (a instanceof Uint16Array) return 3;
  if (a instanceof Int32Array) return 4;
  if (a instanceof Uint32Array) return 5;
  if (a instanceof Float32Array) return 6;
  return 7;
}

/** Bytes of all arrays one chunk may hold: small enough that a chunk copied in is still in L2 when the kernel reads it
 * (measured: 128 KiB beat 256 KiB .. 1 MiB for 256K f32 -> u8 with copies), large enough to amortise a call. */
export const CHUNK_BYTES = 1 << 17;
/** Bytes of a call small enough for the backend's permanent scratch (no arena allocation, mark or reset). */
export const SMALL_BYTES = 1 << 14;
/** Array arguments of one call at most (the kernel table's largest is 7). */
export const MAX_ARRAYS = 8;

export function memoryError(bytes: number): QuantError {
  return new QuantError(WasmErrorCodes.MEMORY, `WebAssembly memory cannot grow by ${bytes} bytes (the runtime's limit, or the 4 GiB of wasm32)`);
}

const VIEW_TYPES = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array] as const;
type AnyView = InstanceType<(typeof VIEW_TYPES)[number]>;

/**
 * The module instance as the calls see it: exports, the descriptor and argument areas, slot indices, and views of
 * the whole linear memory by element type (re-made when memory grows, which only an allocation or a call can do).
 */
export class ModuleState {
  readonly d: Float64Array;
  buffer: ArrayBuffer;
  private views: AnyView[] = [];
  private u32: Uint32Array = new Uint32Array(0);
  private f64: Float64Array = new Float64Array(0);
  private desc: Float64Array = new Float64Array(0);

  constructor(
    readonly ex: KernelExports,
    readonly slots: Slots,
    readonly argsPtr: number,
    readonly descPtr: number,
    /** SMALL_BYTES of permanent scratch for small calls. */
    readonly scratchPtr: number,
  ) {
    this.d = new Float64Array(Object.keys(slots).length);
    this.buffer = ex.memory.buffer;
    this.refresh();
  }

  /** Allocates from the arena (released by the call's reset); throws ERR_QUANT_WASM_MEMORY when memory cannot grow. */
  alloc(bytes: number): number {
    const p = bytes > 0xffffffff ? 0 : this.ex.qk_alloc(bytes) >>> 0;
    if (p === 0) throw memoryError(bytes);
    this.check();
    return p;
  }

  /** Re-makes the views if memory grew (growth detaches the old buffer: reading its length is cheaper than memory.buffer). */
  check(): void {
    if (this.buffer.byteLength === 0) this.refresh();
  }

  private refresh(): void {
    const b = this.ex.memory.buffer;
    this.buffer = b;
    this.views = VIEW_TYPES.map((T) => new T(b));
    this.u32 = this.views[5] as Uint32Array;
    this.f64 = this.views[7] as Float64Array;
    this.desc = this.f64.subarray(this.descPtr >>> 3, (this.descPtr >>> 3) + this.d.length);
  }

  /** The whole memory as elements of type `elem` (abi.h's Elem). */
  view(elem: number): AnyView {
    return this.views[elem]!;
  }

  setArg(i: number, ptr: number, length: number, elem: number): void {
    const at = (this.argsPtr >>> 2) + 3 * i;
    this.u32[at] = ptr;
    this.u32[at + 1] = length;
    this.u32[at + 2] = elem;
  }

  call(kernel: number): void {
    this.desc.set(this.d);
    const status = this.ex.qk_call(kernel, this.argsPtr, this.descPtr);
    this.check();
    this.d.set(this.desc);
    if (status !== 0) throw new QuantError(WasmErrorCodes.UNAVAILABLE, `quant_kernels.wasm refused a ${kernel} call (status ${status}): the module does not match this package`);
  }
}

function copyIn(m: ModuleState, a: View, elem: number, ptr: number, first: number, count: number): void {
  const v = m.view(elem) as Uint8Array;
  const at = ptr / a.BYTES_PER_ELEMENT;
  if (count <= 64) {
    // Small copies element by element: cheaper than TypedArray.prototype.set's checks.
    for (let i = 0; i < count; i++) v[at + i] = (a as Uint8Array)[first + i]!;
    return;
  }
  v.set((first === 0 && count === a.length ? a : (a as AnyView).subarray(first, first + count)) as Uint8Array, at);
}

function copyOut(m: ModuleState, a: View, elem: number, ptr: number, first: number, count: number): void {
  const at = ptr / a.BYTES_PER_ELEMENT;
  const v = m.view(elem) as Uint8Array;
  if (count <= 64) {
    // Small copies element by element: cheaper than making a subarray view.
    for (let i = 0; i < count; i++) (a as Uint8Array)[first + i] = v[at + i]!;
    return;
  }
  (a as Uint8Array).set(v.subarray(at, at + count), first);
}

/** Adds uint32 bin counts to a Float64Array of counts as m times `+= 1` would (binding/histogram_counts.h). */
function addCounts(counts: Float64Array, add: Uint32Array): void {
  for (let i = 0; i < counts.length; i++) {
    const m = add[i]!;
    if (m === 0) continue;
    let c = counts[i]!;
    const sum = c + m;
    if (c >= -(2 ** 53) && sum < 2 ** 53 && c === Math.trunc(c)) {
      counts[i] = sum;
      continue;
    }
    for (let j = 0; j < m; j++) {
      const next = c + 1;
      if (next === c || next !== next) break;
      c = next;
    }
    counts[i] = c;
  }
}

const ALIGN = 16;
const aligned = (bytes: number): number => (bytes + ALIGN - 1) & ~(ALIGN - 1);

/** The function that runs kernel `name` (module kernel index `id`) with the kernel table's arguments. */
export function kernelCall(m: ModuleState, name: KernelName, id: number): (...args: unknown[]) => unknown {
  const info = KERNEL_TABLE[name];
  const params = info.params as readonly KernelParam[];
  const arrayAt: number[] = [];
  const scalars: [number, ReturnType<typeof writerOf>][] = [];
  params.forEach((p, i) => {
    if ((info.inputs as readonly string[]).includes(p) || (info.outputs as readonly string[]).includes(p)) arrayAt.push(i);
    else scalars.push([i, writerOf(p)]);
  });
  const n = arrayAt.length;
  const copiesIn = arrayAt.map((i) => (info.inputs as readonly string[]).includes(params[i]!) || params[i] === 'counts');
  const copiesOut = arrayAt.map((i) => (info.outputs as readonly string[]).includes(params[i]!));
  const S = m.slots;
  const d = m.d;
  const returns = info.returns;
  const histogram = info.operation === 'histogram';
  const hasLayout = params.includes('layout');
  /** The kernel takes arena scratch inside the module (native/wasm/src/entries.cc). */
  const allocates = name === 'quantizeBlockedMinMax';
  const [outer, inner, dim, result, outMin, outMax] = ['outer', 'inner', 'dim', 'result', 'outMin', 'outMax'].map((k) => S[k]!);
  const sums = ['sumSq', 'sumAbs', 'maxAbs', 'sumRef2', 'sumApprox2', 'dot'].map((k) => S[k]!);
  // Per call, reused (JavaScript runs one call of a backend at a time, and a kernel never re-enters itself).
  const arrays: View[] = new Array<View>(n);
  const elems: number[] = new Array<number>(n).fill(0);
  const ptrs: number[] = new Array<number>(n).fill(0);
  const resident: boolean[] = new Array<boolean>(n).fill(false);

  /** Every array copied whole (or used in place) and one call: calls whose arrays fit in one chunk. */
  function single(small: boolean): void {
    let bytes = 0;
    for (let k = 0; k < n; k++) if (!resident[k]) bytes += aligned(arrays[k]!.byteLength);
    let p = small ? m.scratchPtr : bytes > 0 ? m.alloc(bytes) : 0;
    for (let k = 0; k < n; k++) {
      const a = arrays[k]!;
      if (resident[k]) {
        m.setArg(k, a.byteOffset, a.length, elems[k]!);
        continue;
      }
      ptrs[k] = p;
      if (copiesIn[k]) copyIn(m, a, elems[k]!, p, 0, a.length);
      m.setArg(k, p, a.length, elems[k]!);
      p += aligned(a.byteLength);
    }
    m.call(id);
    for (let k = 0; k < n; k++) if (copiesOut[k] && !resident[k]) copyOut(m, arrays[k]!, elems[k]!, ptrs[k]!, 0, arrays[k]!.length);
    if ((returns === 'badGroup' || returns === 'badIndex') && d[result] === -2) throw memoryError(0);
  }

  /** Chunk by chunk (chunks.ts): split arrays through scratch of one chunk, whole ones copied once. */
  function chunked(args: readonly unknown[]): number {
    const plan = chunkPlan(name, args);
    let bytesPerItem = 0;
    for (let k = 0; k < n; k++) if (plan.per[k]! > 0 && !resident[k]) bytesPerItem += plan.per[k]! * arrays[k]!.BYTES_PER_ELEMENT;
    const fit = bytesPerItem === 0 ? plan.items : Math.floor(CHUNK_BYTES / bytesPerItem / plan.align) * plan.align;
    const chunk = Math.max(plan.align, Math.min(plan.items, fit), 1);
    for (let k = 0; k < n; k++) {
      const a = arrays[k]!;
      const per = plan.per[k]!;
      if (resident[k]) {
        if (per === 0) m.setArg(k, a.byteOffset, a.length, elems[k]!);
        continue;
      }
      ptrs[k] = m.alloc((per === 0 ? a.length : Math.min(a.length, chunk * per)) * a.BYTES_PER_ELEMENT);
      if (per === 0) {
        if (copiesIn[k]) copyIn(m, a, elems[k]!, ptrs[k]!, 0, a.length);
        m.setArg(k, ptrs[k]!, a.length, elems[k]!);
      }
    }
    let bad = -1;
    for (let start = 0; start < plan.items || start === 0; start += chunk) {
      const end = Math.min(plan.items, start + chunk);
      for (let k = 0; k < n; k++) {
        const a = arrays[k]!;
        const per = plan.per[k]!;
        if (per === 0) continue;
        const first = Math.min(a.length, start * per);
        const count = Math.min(a.length, end * per) - first;
        if (resident[k]) m.setArg(k, a.byteOffset + first * a.BYTES_PER_ELEMENT, count, elems[k]!);
        else {
          if (copiesIn[k]) copyIn(m, a, elems[k]!, ptrs[k]!, first, count);
          m.setArg(k, ptrs[k]!, count, elems[k]!);
        }
      }
      if (plan.outer) d[outer] = end - start;
      m.call(id);
      for (let k = 0; k < n; k++) {
        const a = arrays[k]!;
        const per = plan.per[k]!;
        if (per === 0 || resident[k] || !copiesOut[k]) continue;
        const first = Math.min(a.length, start * per);
        copyOut(m, a, elems[k]!, ptrs[k]!, first, Math.min(a.length, end * per) - first);
      }
      if (returns === 'badGroup' || returns === 'badIndex') {
        const r = d[result]!;
        if (r === -2) throw memoryError(0);
        if (r >= 0) {
          bad = r + start * plan.per[returns === 'badGroup' ? 1 : 0]!;
          break;
        }
      }
      if (plan.items === 0) break;
    }
    for (let k = 0; k < n; k++) {
      if (plan.per[k] === 0 && !resident[k] && copiesOut[k]) copyOut(m, arrays[k]!, elems[k]!, ptrs[k]!, 0, arrays[k]!.length);
    }
    return bad;
  }

  return (...args: unknown[]): unknown => {
    for (const [i, write] of scalars) write(d, S, args[i]);
    if (returns === 'minMax') {
      d[outMin] = Infinity;
      d[outMax] = -Infinity;
    } else if (returns === 'errorReport') {
      for (const s of sums) d[s] = 0;
    } else {
      d[result] = returns === 'absMax' ? 0 : -1;
    }
    m.check();
    let bytes = 0;
    let anyResident = false;
    for (let k = 0; k < n; k++) {
      const a = args[arrayAt[k]!] as View;
      arrays[k] = a;
      elems[k] = elemOf(a);
      resident[k] = a.buffer === m.buffer;
      anyResident ||= resident[k]!;
      bytes += a.byteLength;
    }
    // An empty tensor's layout may hold a huge dimension beside its zero (beyond wasm32's size_t): it has no rows and
    // no elements; an axis layout keeps its channels (their min / max are still written), a blocked one has no groups.
    if (hasLayout && arrays[0]!.length === 0) {
      d[outer] = 0;
      d[inner] = 0;
      if (info.granularity === 'blocked') d[dim] = 0;
    }
    // A Float64Array of histogram counts is counted in uint32 scratch and added up here afterwards.
    const f64Counts = histogram && arrays[1] instanceof Float64Array ? arrays[1] : undefined;
    if (f64Counts !== undefined) {
      arrays[1] = new Uint32Array(f64Counts.length);
      elems[1] = 5;
      resident[1] = false;
    }
    let bad = -1;
    let viaChunks = false;
    // Small calls use the permanent scratch: no arena traffic at all, unless the kernel allocates scratch itself.
    let aligned16 = 0;
    for (let k = 0; k < n; k++) aligned16 += aligned(arrays[k]!.byteLength);
    if (aligned16 <= SMALL_BYTES && !anyResident && !allocates) single(true);
    else {
      const mark = m.ex.qk_mark();
      try {
        if (bytes <= CHUNK_BYTES && !anyResident) single(false);
        else {
          viaChunks = true;
          bad = chunked(args);
        }
      } finally {
        m.ex.qk_reset(mark);
      }
    }
    if (f64Counts !== undefined) addCounts(f64Counts, arrays[1] as Uint32Array);
    switch (returns) {
      case 'none':
        return undefined;
      case 'minMax':
        return { min: d[outMin]!, max: d[outMax]! };
      case 'absMax':
      case 'count':
        return d[result]!;
      case 'errorReport':
        return errorReportOf({ sumSq: d[sums[0]!]!, sumAbs: d[sums[1]!]!, maxAbs: d[sums[2]!]!, sumRef2: d[sums[3]!]!, sumApprox2: d[sums[4]!]!, dot: d[sums[5]!]! }, arrays[0]!.length);
      default:
        return viaChunks ? bad : d[result]!;
    }
  };
}
