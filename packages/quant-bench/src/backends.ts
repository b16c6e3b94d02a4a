import { referenceBackend, type Backend } from '@quantkit/quant-core';
import type { NativeAddon } from '@quantkit/quant-native';

/** One quantkit column of the tables: a Backend, or the reason it could not be created. */
export interface BackendColumn {
  readonly id: 'reference' | 'native-scalar' | 'native-avx2' | 'native-avx2-2t';
  readonly label: string;
  readonly threads: number;
  readonly backend?: Backend;
  /** Why the column is empty (native addon missing, ISA not supported by this CPU, ...). */
  readonly unavailable?: string;
}

/** The native package, the addon it loaded and where from; or why it could not be loaded. */
export interface NativeModule {
  readonly createNativeBackend: typeof import('@quantkit/quant-native').createNativeBackend;
  readonly addon: NativeAddon;
  readonly path: string;
}

export type NativeLoad = { readonly ok: true; readonly native: NativeModule } | { readonly ok: false; readonly reason: string };

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Imports @quantkit/quant-native and loads its addon; never throws (the benchmark runs without it). */
export async function loadNative(): Promise<NativeLoad> {
  let mod: typeof import('@quantkit/quant-native');
  try {
    mod = await import('@quantkit/quant-native');
  } catch (error) {
    return { ok: false, reason: `@quantkit/quant-native could not be imported (${firstLine(error)}); build it with \`pnpm --filter @quantkit/quant-native build\`` };
  }
  try {
    const loaded = mod.loadNativeAddon();
    return { ok: true, native: { createNativeBackend: mod.createNativeBackend, addon: loaded.addon, path: loaded.path } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the native addon could not be loaded: ${message.replace(/\s*\n\s*/g, ' ')}` };
  }
}

function nativeColumn(load: NativeLoad, id: BackendColumn['id'], label: string, isa: 'avx2' | 'scalar', threads: number): BackendColumn {
  if (!load.ok) return { id, label, threads, unavailable: load.reason };
  try {
    return { id, label, threads, backend: load.native.createNativeBackend({ isa, threads }) };
  } catch (error) {
    return { id, label, threads, unavailable: firstLine(error) };
  }
}

/** reference, native scalar, native AVX2 (one thread) and native AVX2 with two threads. */
export function backendColumns(load: NativeLoad): BackendColumn[] {
  return [
    { id: 'reference', label: 'reference (JS)', threads: 1, backend: referenceBackend },
    nativeColumn(load, 'native-scalar', 'native scalar', 'scalar', 1),
    nativeColumn(load, 'native-avx2', 'native AVX2', 'avx2', 1),
    nativeColumn(load, 'native-avx2-2t', 'native AVX2 ×2 threads', 'avx2', 2),
  ];
}
