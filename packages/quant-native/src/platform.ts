/**
 * The per-platform package that carries a prebuilt quant_native.node: @quantkit/quant-native-<os>-<arch>[-<libc>],
 * with libc 'gnu' or 'musl' on Linux (the directories under native/npm/). glibc is detected the way better-sqlite3
 * does it: process.report's header has glibcVersionRuntime only when Node.js runs on glibc.
 */
export function platformPackageName(): string {
  return `@quantkit/quant-native-${platformTriple()}`;
}

export function platformTriple(): string {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  return `linux-${process.arch}-${isGlibc() ? 'gnu' : 'musl'}`;
}

function isGlibc(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return Boolean(report?.header?.glibcVersionRuntime);
}

/**
 * The platforms with a prebuilt addon package (native/npm/<triple>, each an optional dependency of this package);
 * elsewhere the addon must be built from source, or quantkit runs on its reference backend.
 */
export const PREBUILT_PLATFORMS: readonly string[] = ['linux-x64-gnu', 'linux-arm64-gnu'];
