import { GGML_FORMAT_NAMES, type KernelParam } from '@quantkit/quant-core';

/*
 * How each scalar parameter of the kernel table crosses into the module: the descriptor slots it fills (native/wasm/
 * src/abi.h names them; the module exports the list and slot indices are found by name), with enums as the numbers
 * the C++ side reads.
 */

/** The slot indices of the loaded module, by name (from qk_slot_names). */
export type Slots = Readonly<Record<string, number>>;

type Writer = (d: Float64Array, s: Slots, value: unknown) => void;

const one = (slot: string, encode: (v: unknown) => number = Number): Writer => (d, s, v) => {
  d[s[slot]!] = encode(v);
};
const flag = (slot: string, whenOne: string): Writer => one(slot, (v) => (v === whenOne ? 1 : 0));

const WRITERS: Partial<Record<KernelParam, Writer>> = {
  scale: one('scale'),
  zeroPoint: one('zeroPoint'),
  spec: (d, s, v) => {
    const spec = v as { qmin: number; qmax: number; profile: string };
    d[s['qmin']!] = spec.qmin;
    d[s['qmax']!] = spec.qmax;
    d[s['profile']!] = spec.profile === 'pytorch' ? 1 : 0;
  },
  layout: (d, s, v) => {
    const l = v as { outer: number; inner: number; channels?: number; dim?: number; blockSize?: number };
    d[s['outer']!] = l.outer;
    d[s['dim']!] = l.channels ?? l.dim!;
    d[s['inner']!] = l.inner;
    d[s['blockSize']!] = l.blockSize ?? 1;
  },
  bits: one('bits'),
  signed: one('signed', (v) => (v === true ? 1 : 0)),
  min: one('min'),
  max: one('max'),
  scheme: flag('scheme', 'symmetric'),
  dtype: flag('half', 'bfloat16'),
  format: one('format', (v) => GGML_FORMAT_NAMES.indexOf(v as (typeof GGML_FORMAT_NAMES)[number])),
  dim: one('dim'),
  bytesPerRow: one('bytesPerRow'),
  precision: one('precision', (v) => ['int8', 'uint8', 'binary', 'ubinary'].indexOf(v as string)),
  int8Rounding: flag('int8Rounding', 'toward-zero'),
  bitOrder: flag('bitOrder', 'lsb'),
  threshold: flag('threshold', 'nonnegative'),
  k: one('k'),
  order: flag('order', 'descending'),
};

/** The writer of a scalar parameter (every scalar parameter of the kernel table has one; a test checks it). */
export function writerOf(param: KernelParam): Writer {
  const w = WRITERS[param];
  if (w === undefined) throw new Error(`quant-wasm: no descriptor writer for the kernel parameter '${param}'`);
  return w;
}
