import { ARRAY_CONSTRUCTORS, dtypeOf, type AnyTypedArray, type ArrayDType } from './encoding.js';

/**
 * Where a case's arrays live. Kernels must read inputs and write outputs through whatever view they are given, touch
 * nothing else, and leave inputs unchanged; `verify` reports any byte that says otherwise.
 */
export interface Arena {
  /** A copy of `source`, placed where this arena puts arrays. */
  copy<T extends AnyTypedArray>(source: T): T;
  /** An output array, pre-filled with a marker pattern (so an element the kernel skips shows up as a difference). */
  alloc(dtype: ArrayDType, length: number): AnyTypedArray;
  verify(): string[];
}

const OUTPUT_FILL = 0xa5;
const VIEW_OUTPUT_FILL = 0x5a;
const GUARD_FILL = 0xc3;

function bytes(a: AnyTypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function inputChanged(label: string, source: AnyTypedArray, copy: AnyTypedArray): string | undefined {
  const s = bytes(source);
  const c = bytes(copy);
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== c[i]) return `${label} ${copy.constructor.name} input was modified (first changed byte ${i})`;
  }
  return undefined;
}

/** Every array in its own fresh ArrayBuffer at byteOffset 0. */
export function freshArena(): Arena {
  const inputs: [AnyTypedArray, AnyTypedArray][] = [];
  return {
    copy<T extends AnyTypedArray>(source: T): T {
      const c = new (source.constructor as new (a: T) => T)(source);
      inputs.push([source, c]);
      return c;
    },
    alloc(dtype, length) {
      const a = new ARRAY_CONSTRUCTORS[dtype](length);
      bytes(a).fill(OUTPUT_FILL);
      return a;
    },
    verify() {
      return inputs.map(([s, c]) => inputChanged('fresh', s, c)).filter((m): m is string => m !== undefined);
    },
  };
}

/**
 * Every array is a view into ONE shared ArrayBuffer, at element offset `offset` (0..7) past a 64-byte aligned slot,
 * so its byteOffset is `offset * BYTES_PER_ELEMENT` modulo 64 (byteOffsets 0..7 for 8-bit arrays, 0, 4, ..., 28 for
 * float32). Slots are separated by guard bytes: a kernel that ignores byteOffset, or writes past the end of its
 * output, changes a guard byte or another array.
 */
export function viewArena(offset: number, capacityBytes: number): Arena {
  const buffer = new ArrayBuffer(capacityBytes);
  const all = new Uint8Array(buffer);
  all.fill(GUARD_FILL);
  let cursor = 64;
  const regions: { start: number; end: number; source?: AnyTypedArray; view: AnyTypedArray }[] = [];

  function place(dtype: ArrayDType, length: number): AnyTypedArray {
    const ctor = ARRAY_CONSTRUCTORS[dtype];
    const start = cursor + offset * ctor.BYTES_PER_ELEMENT;
    const end = start + length * ctor.BYTES_PER_ELEMENT;
    if (end + 64 > capacityBytes) throw new RangeError(`view arena of ${capacityBytes} bytes is too small`);
    cursor = Math.ceil((end + 64) / 64) * 64;
    const view = new ctor(buffer, start, length);
    regions.push({ start, end, view });
    return view;
  }

  return {
    copy<T extends AnyTypedArray>(source: T): T {
      const view = place(dtypeOf(source), source.length) as T;
      bytes(view).set(bytes(source));
      regions[regions.length - 1]!.source = source;
      return view;
    },
    alloc(dtype, length) {
      const view = place(dtype, length);
      bytes(view).fill(VIEW_OUTPUT_FILL);
      return view;
    },
    verify() {
      const problems: string[] = [];
      let at = 0;
      for (const r of regions) {
        for (let i = at; i < r.start; i++) {
          if (all[i] !== GUARD_FILL) {
            problems.push(`byte ${i} of the shared buffer, outside every view (before a ${r.view.constructor.name} at byteOffset ${r.start}), was written`);
            break;
          }
        }
        if (r.source !== undefined) {
          const m = inputChanged(`view at byteOffset ${r.start}:`, r.source, r.view);
          if (m !== undefined) problems.push(m);
        }
        at = r.end;
      }
      for (let i = at; i < capacityBytes; i++) {
        if (all[i] !== GUARD_FILL) {
          problems.push(`byte ${i} of the shared buffer, past the last view (which ends at ${at}), was written`);
          break;
        }
      }
      return problems;
    },
  };
}
