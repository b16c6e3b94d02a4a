import type { Backend } from '@quantkit/quant-core';
import { benchInput } from './data.js';
import { measureInterleaved, type MeasureOptions } from './measure.js';
import { groupingOf, paramsOf, quantizeInto, dequantizeInto, type GranularityKind } from './ops/codes.js';
import { hasHistogram, HISTOGRAM_BINS } from './ops/misc.js';
import type { CrossoverRow } from './results.js';

/*
 * Where native starts to beat the reference, per Backend kernel: a sweep over powers of two from 8 (to 65536 if
 * needed) timing both on the same small inputs. Below the crossover the Node-API call costs more than the JavaScript
 * loop it replaces, so the adapter (@quantkit/quant) should route those sizes to the reference.
 */

export const SWEEP_START = 8;
export const SWEEP_END = 4096;
/** If native has not won by SWEEP_END, the sweep continues up to here. */
export const SWEEP_LIMIT = 65536;

type Setup = (x: Float32Array, producer: Backend) => (b: Backend) => void;

function quantizeSetup(kind: GranularityKind): Setup {
  return (x, producer) => {
    const g = groupingOf(kind, x.length);
    const p = paramsOf(producer, x, 'u8', g);
    const out = new Uint8Array(x.length);
    return (b) => quantizeInto(b, x, g, p, out);
  };
}

function dequantizeSetup(kind: GranularityKind): Setup {
  return (x, producer) => {
    const g = groupingOf(kind, x.length);
    const p = paramsOf(producer, x, 'u8', g);
    const codes = new Uint8Array(x.length);
    quantizeInto(producer, x, g, p, codes);
    const out = new Float32Array(x.length);
    return (b) => dequantizeInto(b, codes, g, p, out);
  };
}

function minMaxSetup(kind: GranularityKind): Setup {
  return (x) => {
    const g = groupingOf(kind, x.length);
    if (g.kind === 'tensor') return (b) => void b.minMax(x);
    const groups = g.scaleShape.reduce((a, d) => a * d, 1);
    const lo = new Float64Array(groups);
    const hi = new Float64Array(groups);
    if (g.kind === 'block') return (b) => b.minMaxBlocked(x, g.layout, lo, hi);
    return (b) => b.minMaxAxis(x, g.layout, lo, hi);
  };
}

interface CrossoverKernel {
  readonly kernel: string;
  readonly description: string;
  readonly setup: Setup;
  /** Whether both backends have the kernel (default: every Backend has it). */
  readonly available?: (b: Backend) => boolean;
}

const KERNELS: readonly CrossoverKernel[] = [
  { kernel: 'quantizeTensor', description: 'f32 → uint8, one scale', setup: quantizeSetup('tensor') },
  { kernel: 'quantizeAxis', description: 'f32 → uint8 per channel', setup: quantizeSetup('channel') },
  { kernel: 'quantizeBlocked', description: 'f32 → uint8, blocks of 32', setup: quantizeSetup('block') },
  { kernel: 'dequantizeTensor', description: 'uint8 → f32, one scale', setup: dequantizeSetup('tensor') },
  { kernel: 'dequantizeAxis', description: 'uint8 → f32 per channel', setup: dequantizeSetup('channel') },
  { kernel: 'dequantizeBlocked', description: 'uint8 → f32, blocks of 32', setup: dequantizeSetup('block') },
  { kernel: 'minMax', description: 'min/max of f32', setup: minMaxSetup('tensor') },
  { kernel: 'absMax', description: 'max |x| of f32', setup: (x) => (b) => void b.absMax(x) },
  { kernel: 'minMaxAxis', description: 'min/max per channel', setup: minMaxSetup('channel') },
  { kernel: 'minMaxBlocked', description: 'min/max per block of 32', setup: minMaxSetup('block') },
  {
    kernel: 'fakeQuantizeTensor',
    description: 'f32 → uint8 → f32 with error metrics',
    setup: (x, producer) => {
      const p = paramsOf(producer, x, 'u8', groupingOf('tensor', x.length));
      const out = new Float32Array(x.length);
      return (b) => void b.fakeQuantizeTensor(x, p.scale, p.zeroPoint, p.spec, out);
    },
  },
  {
    kernel: 'pack',
    description: 'int8 codes → packed int4',
    setup: (x) => {
      const q = Int8Array.from(x, (v) => Math.max(-8, Math.min(7, Math.round(v * 4))));
      const out = new Uint8Array(Math.ceil(x.length / 2));
      return (b) => b.pack(q, 4, out);
    },
  },
  {
    kernel: 'unpack',
    description: 'packed int4 → int8 codes',
    setup: (x) => {
      const packed = Uint8Array.from({ length: Math.ceil(x.length / 2) }, (_, i) => (i * 37) & 0xff);
      const out = new Int8Array(x.length);
      return (b) => b.unpack(packed, 4, true, out);
    },
  },
  {
    kernel: 'histogram',
    description: `f32 into ${HISTOGRAM_BINS} bins`,
    available: hasHistogram,
    setup: (x, producer) => {
      const r = producer.minMax(x);
      const counts = new Float64Array(HISTOGRAM_BINS);
      return (b) => b.histogram(x, r.min, r.max, counts);
    },
  },
];

/** Smallest sweep size from which native wins at every larger sweep size (null: it does not win at the largest). */
export function crossoverOf(sizes: readonly number[], ratios: readonly number[]): number | null {
  let at: number | null = null;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if (ratios[i]! > 1) at = sizes[i]!;
    else break;
  }
  return at;
}

export async function measureCrossovers(reference: Backend, native: Backend, options: MeasureOptions, log: (line: string) => void): Promise<CrossoverRow[]> {
  const rows: CrossoverRow[] = [];
  const inputs = new Map<number, Float32Array>();
  const input = (n: number): Float32Array => {
    let x = inputs.get(n);
    if (x === undefined) inputs.set(n, (x = benchInput(n, n)));
    return x;
  };
  for (const k of KERNELS) {
    if (k.available !== undefined && !(k.available(reference) && k.available(native))) {
      log(`  crossover ${k.kernel}: not measured (native has no such kernel)`);
      continue;
    }
    const sizes: number[] = [];
    const ratios: number[] = [];
    for (let n = SWEEP_START; n <= SWEEP_LIMIT; n *= 2) {
      if (n > SWEEP_END && ratios[ratios.length - 1]! > 1) break;
      const run = k.setup(input(n), reference);
      const [r, v] = await measureInterleaved(
        [
          { elements: n, run: () => run(reference) },
          { elements: n, run: () => run(native) },
        ],
        options,
      );
      sizes.push(n);
      ratios.push(r!.secondsPerCall / v!.secondsPerCall);
    }
    const crossover = crossoverOf(sizes, ratios);
    rows.push({ kernel: k.kernel, description: k.description, sizes, ratios, crossover });
    log(`  crossover ${k.kernel}: ${crossover ?? `none up to ${SWEEP_LIMIT}`}`);
  }
  return rows;
}
