import { benchInput } from '../data.js';
import type { BenchTensor } from './safetensors.js';

/** Elements of every tensor of both files: shape [2048, 2048]. */
export const ELEMENTS_PER_TENSOR = 4 * 1024 * 1024;
const SHAPE = [2048, ELEMENTS_PER_TENSOR / 2048];

/**
 * `count` tensors of the benchmark pattern, each its own scale of it (cheap to generate, different parameters per
 * tensor): float32 values, or those values rounded once to bfloat16 (round to nearest even).
 */
export function benchTensors(dtype: 'F32' | 'BF16', count: number): BenchTensor[] {
  const base = benchInput(ELEMENTS_PER_TENSOR);
  return Array.from({ length: count }, (_, i) => {
    const factor = 0.5 + i / count;
    const data = dtype === 'F32' ? () => base.map((v) => v * factor) : () => bfloat16Of(base, factor);
    return { name: `layers.${String(i).padStart(3, '0')}.weight`, dtype, shape: SHAPE, data };
  });
}

/** base × factor in float32, rounded to bfloat16 bits (nearest even: the benchmark data has no NaN). */
function bfloat16Of(base: Float32Array, factor: number): Uint16Array {
  const words = new Uint32Array(base.map((v) => v * factor).buffer);
  const bits = new Uint16Array(words.length);
  for (let i = 0; i < words.length; i++) bits[i] = (words[i]! + 0x7fff + ((words[i]! >>> 16) & 1)) >>> 16;
  return bits;
}
