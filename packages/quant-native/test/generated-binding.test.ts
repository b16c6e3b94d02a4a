import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { arrayParamsOf, KERNEL_NAMES } from '@quantkit/quant-core';
import { expect, it } from 'vitest';
import { kernelMismatch } from '../src/addon.js';
import { USED_SLOTS } from '../src/generated/binding.js';
import { describeNative, native } from './helpers.js';

/*
 * src/generated/binding.ts is made by scripts/generate-binding.mjs from the kernel table; the addon declares its own
 * side (kernelArrays, descriptorSlots). These tests fail when the generated file is stale or the two sides disagree.
 */

const script = fileURLToPath(new URL('../scripts/generate-binding.mjs', import.meta.url));

it('src/generated/binding.ts is what scripts/generate-binding.mjs makes from the kernel table (run `pnpm generate` when this fails)', () => {
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

describeNative('the addon and the kernel table agree', () => {
  it('on every kernel and the order of its arrays', () => {
    const addon = native.loaded!.addon;
    expect(kernelMismatch(addon)).toBeUndefined();
    expect(Object.keys(addon.kernelArrays).sort()).toEqual([...KERNEL_NAMES].sort());
    for (const name of KERNEL_NAMES) expect(addon.kernelArrays[name]).toEqual(arrayParamsOf(name));
  });

  it('on the descriptor slots the generated kernels use', () => {
    for (const slot of USED_SLOTS) expect(native.loaded!.addon.descriptorSlots).toContain(slot);
  });

  it('and a binary that disagrees is refused with the reason', () => {
    const addon = native.loaded!.addon;
    const swapped = { ...addon, kernelArrays: { ...addon.kernelArrays, quantizeAxis: ['x', 'zeroPoints', 'scales', 'out'] } };
    expect(kernelMismatch(swapped)).toMatch(/quantizeAxis takes arrays \(x,zeroPoints,scales,out\) where this package passes \(x,scales,zeroPoints,out\)/);
    const { histogram: _dropped, ...rest } = addon.kernelArrays;
    expect(kernelMismatch({ ...addon, kernelArrays: rest })).toMatch(/kernel histogram takes arrays \(missing\)/);
  });
});
