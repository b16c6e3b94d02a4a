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
