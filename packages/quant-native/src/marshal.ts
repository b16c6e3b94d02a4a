import type { NativeAddon } from './addon.js';
import { SlotIndices, USED_SLOTS } from './generated/binding.js';

/*
 * The TypeScript side of the native boundary. A kernel call crosses as its typed arrays, in the order of the kernel
 * table's params, then one descriptor: a Float64Array holding the scalar arguments (and, after the call, the scalar
 * results) in the slots the addon declares (`descriptorSlots`, from native/src/binding/descriptor.h), passed as a
 * Uint8Array over its bytes (Node-API recognises that type with far fewer tests: native/src/binding/call.h). The per-kernel
 * functions that fill and read it are generated from the kernel table (generated/binding.ts); this file maps slot
 * names to the loaded addon's indices.
 */

export { SlotIndices };

/** The index of every slot the generated kernels use, in the addon's descriptor. */
export function slotIndicesOf(addon: Pick<NativeAddon, 'descriptorSlots'>): SlotIndices {
  return new SlotIndices((slot) => addon.descriptorSlots.indexOf(slot));
}

/** The first slot the generated kernels use that the addon does not declare (the loader refuses such an addon). */
export function missingSlot(addon: Pick<NativeAddon, 'descriptorSlots'>): string | undefined {
  return USED_SLOTS.find((s) => !addon.descriptorSlots.includes(s));
}
