import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { QuantError } from '@quantkit/quant-core';
import { ABI_VERSION, kernelMismatch, type NativeAddon } from './addon.js';
import { addonFileProblem } from './addon-file.js';
import { NativeErrorCodes } from './errors.js';
import { missingSlot } from './marshal.js';
import { PREBUILT_PLATFORMS, platformPackageName, platformTriple } from './platform.js';

const require = createRequire(import.meta.url);

/** This package's version; the addon must report the same one (it is compiled in from this package.json). */
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;

/** native/build/Release/quant_native.node of the repository this package sits in (src/ and dist/ are one level deep). */
const LOCAL_BUILD = fileURLToPath(new URL('../../../native/build/Release/quant_native.node', import.meta.url));

export interface LoadOptions {
  /**
   * Load exactly this file and try nothing else. Default: the QUANT_NATIVE_PATH environment variable (unset or empty:
   * search). An explicit `undefined` searches even when QUANT_NATIVE_PATH is set.
   */
  readonly path?: string | undefined;
  /** The local build to try; false skips it. Default: native/build/Release/quant_native.node in this repository. */
  readonly localBuild?: string | false;
  /** The prebuilt platform package to try; false skips it. Default: platformPackageName(). */
  readonly platformPackage?: string | false;
}

export interface LoadedAddon {
  readonly addon: NativeAddon;
  /** The file that was loaded. */
  readonly path: string;
}

interface Attempt {
  readonly place: string;
  readonly reason: string;
  readonly error: Error;
}

type TryResult = LoadedAddon | Attempt;

function failure(place: string, reason: string, error?: unknown): Attempt {
  return { place, reason, error: error instanceof Error ? error : new Error(`${place}: ${reason}`) };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Loads a .node file (a regular file only) and checks that it speaks our interface and was built for our version. */
function tryFile(place: string, file: string): TryResult {
  const problem = addonFileProblem(file);
  if (problem !== undefined) return failure(place, problem);
  let addon: Partial<NativeAddon>;
  try {
    addon = require(file) as Partial<NativeAddon>;
  } catch (error) {
    return failure(place, `failed to load (${describeError(error)})`, error);
  }
  if (addon.abiVersion !== ABI_VERSION) {
    return failure(place, `interface version ${String(addon.abiVersion)}, this package needs ${ABI_VERSION} (rebuild it or install a matching version)`);
  }
  if (addon.version !== PACKAGE_VERSION) {
    return failure(place, `built for @quantkit/quant-native ${String(addon.version)}, this is ${PACKAGE_VERSION} (rebuild it or install a matching version)`);
  }
  const mismatch = kernelMismatch(addon) ?? (Array.isArray(addon.descriptorSlots) ? undefined : 'no descriptorSlots');
  const slot = mismatch === undefined ? missingSlot(addon as NativeAddon) : undefined;
  if (mismatch !== undefined || slot !== undefined) {
    return failure(place, `does not match this package's kernel table: ${mismatch ?? `no descriptor slot '${slot}'`} (rebuild it)`);
  }
  return { addon: addon as NativeAddon, path: file };
}

function tryPackage(name: string): TryResult {
  const place = `platform package ${name}`;
  try {
    require.resolve(`${name}/package.json`);
  } catch (error) {
    return failure(place, 'not installed', error);
  }
  let file: string;
  try {
    file = require.resolve(name);
  } catch (error) {
    return failure(place, 'installed, but its quant_native.node is missing', error);
  }
  return tryFile(place, file);
}

function isLoaded(r: TryResult): r is LoadedAddon {
  return 'addon' in r;
}

/**
 * Finds and loads quant_native.node, in this order:
 *   1. QUANT_NATIVE_PATH (or options.path): that exact file, and nothing else;
 *   2. the local build, native/build/Release/quant_native.node (what `pnpm build` writes in this repository);
 *   3. the prebuilt platform package, e.g. @quantkit/quant-native-linux-x64-gnu (an optional dependency).
 * A candidate is used only if it is a regular file (or a link to one: a FIFO or a device such as /dev/zero would block
 * or never end), its abiVersion and version match this package, and it declares every kernel of the kernel table with
 * the arrays in the table's order. If none loads, throws one QuantError
 * (ERR_QUANT_NATIVE_UNAVAILABLE) that lists every place tried and why it failed, with the errors as `cause`.
 */
export function loadNativeAddon(options: LoadOptions = {}): LoadedAddon {
  const exact = 'path' in options ? options.path : process.env['QUANT_NATIVE_PATH'] || undefined;
  const attempts: Attempt[] = [];
  const candidates: (() => TryResult)[] = [];
  if (exact !== undefined) {
    candidates.push(() => tryFile(`QUANT_NATIVE_PATH ${exact}`, exact));
  } else {
    const local = options.localBuild ?? LOCAL_BUILD;
    const pkg = options.platformPackage ?? platformPackageName();
    if (local !== false) candidates.push(() => tryFile(`local build ${local}`, local));
    if (pkg !== false) candidates.push(() => tryPackage(pkg));
  }
  for (const candidate of candidates) {
    const r = candidate();
    if (isLoaded(r)) return r;
    attempts.push(r);
  }
  throw unavailable(attempts, exact !== undefined);
}

function unavailable(attempts: readonly Attempt[], exact: boolean): QuantError {
  const tried = attempts.length === 0 ? '  (nothing: every place was disabled)' : attempts.map((a) => `  - ${a.place}: ${a.reason}`).join('\n');
  const hint = exact
    ? 'QUANT_NATIVE_PATH names the exact file to load (nothing else is tried): fix or unset it.'
    : PREBUILT_PLATFORMS.includes(platformTriple())
      ? `Build it with \`pnpm build\` at the root of the quantkit repository (needs cmake and a C++17 compiler), or install ${platformPackageName()} (an optional dependency of @quantkit/quant-native: make sure optional dependencies are not skipped).`
      : `No prebuilt addon exists for ${platformTriple()} (prebuilt: ${PREBUILT_PLATFORMS.join(', ')}): build it with \`pnpm build\` at the root of the quantkit repository (needs cmake and a C++17 compiler).`;
  const errors = attempts.map((a) => a.error);
  const cause = errors.length === 1 ? errors[0] : new AggregateError(errors, 'every place failed');
  return new QuantError(NativeErrorCodes.UNAVAILABLE, `quantkit's native addon (quant_native.node) could not be loaded. Tried:\n${tried}\n${hint}`, { cause });
}

let loaded: LoadedAddon | undefined;
let loadError: QuantError | undefined;

/** The addon found by loadNativeAddon() with default options, loaded once per module instance (thread). */
export function nativeAddon(): LoadedAddon {
  if (loaded !== undefined) return loaded;
  if (loadError !== undefined) throw loadError;
  try {
    loaded = loadNativeAddon();
    return loaded;
  } catch (error) {
    loadError = error as QuantError;
    throw error;
  }
}
