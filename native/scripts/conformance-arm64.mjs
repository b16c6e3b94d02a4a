// The conformance checks (vitest-free, @quantkit/quant-conformance/checks) against @quantkit/quant-native imported
// directly, for the arm64 addon under an emulated arm64 Node (native/scripts/check-arm64.sh runs it as
//   qemu-aarch64 -L <arm64 root> <arm64 root>/usr/bin/node native/scripts/conformance-arm64.mjs).
// Node 18 cannot require() an ES module, so @quantkit/quant's lazy native load falls back to the reference there: this
// script never goes through it. It fails unless
//   - the addon loads (QUANT_REQUIRE_NATIVE=1: no silent reference fallback) from the platform package
//     @quantkit/quant-native-linux-arm64-gnu (the loader's pick on arm64; the repository's x64 local build, when
//     present, fails to load first and is reported),
//   - the default backend's kernel set is 'neon' (so an emulated run can never pass on the reference or on scalar),
//   - every family passes on it, with the differential sized by QK_ARM64_DIFFERENTIAL_ELEMENTS (default 1,000,000:
//     emulation is ~20x slower than the host), and the corpus families pass on the scalar set forced by isa: 'scalar'.
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fromNative = createRequire(join(root, 'packages', 'quant-native', 'package.json'));
const load = (name) => import(pathToFileURL(fromNative.resolve(name)).href);

function fail(message) {
  console.error(`conformance-arm64: FAILED: ${message}`);
  process.exit(1);
}

if (process.arch !== 'arm64') fail(`this must run on an arm64 Node (process.arch is ${process.arch})`);
process.env.QUANT_REQUIRE_NATIVE = '1';
const started = Date.now();

const native = await load('@quantkit/quant-native');
const checks = await load('@quantkit/quant-conformance/checks');

const info = native.nativeInfo();
console.log(`Node ${process.version} (${process.arch}), addon ${info.path}, kernel set ${info.isa}, ${info.threads} threads`);
if (info.isa !== 'neon') fail(`the default kernel set is '${info.isa}', expected 'neon'`);
const expectedFile = ['native', 'npm', 'linux-arm64-gnu', 'quant_native.node'].join(sep);
if (!info.path.endsWith(expectedFile)) fail(`the addon was loaded from ${info.path}, expected the platform package's ${expectedFile}`);

const elements = Number(process.env.QK_ARM64_DIFFERENTIAL_ELEMENTS ?? 1_000_000);
if (!Number.isInteger(elements) || elements <= 0) fail(`QK_ARM64_DIFFERENTIAL_ELEMENTS must be a positive integer, got ${process.env.QK_ARM64_DIFFERENTIAL_ELEMENTS}`);
const corpusFamilies = checks.FAMILY_NAMES.filter((f) => f !== 'differential');

// The NEON set (the default on arm64) on every family; the scalar set (the portable fallback, forced by isa) on the
// corpus families.
const neon = await checks.runConformance([{ name: 'native (neon)', create: () => native.createNativeBackend() }], { differential: { elements } });
const scalar = await checks.runConformance([{ name: 'native (scalar)', create: () => native.createNativeBackend({ isa: 'scalar' }) }], {
  families: corpusFamilies,
  differential: false,
});

// Node 18 has no resizable ArrayBuffer (ES2024: `maxByteLength` is ignored), so the error checks that expect a
// resizable buffer to be refused get an ordinary one there: those failures, and only those, say nothing about the addon.
const resizable = new ArrayBuffer(1, { maxByteLength: 2 }).resizable === true;
function dropResizableChecks(report) {
  if (resizable) return;
  for (const target of report.targets) {
    const errors = target.families.errors;
    if (errors === undefined) continue;
    const kept = errors.failures.filter((f) => !/resizable/.test(f));
    const dropped = errors.failures.length - kept.length;
    if (dropped === 0) continue;
    console.log(`${target.name}: ${dropped} error check(s) on resizable buffers not counted: Node ${process.version} has no resizable ArrayBuffer`);
    errors.failures = kept;
    errors.skipped += dropped;
    errors.passed = Math.min(errors.passed, errors.total - errors.skipped);
  }
}

for (const [report, families, isa] of [
  [neon, checks.FAMILY_NAMES, 'neon'],
  [scalar, corpusFamilies, 'scalar'],
]) {
  dropResizableChecks(report);
  console.log(checks.formatReport(report));
  const target = report.targets[0];
  if (target.status !== 'ran') fail(`${target.name}: ${target.status}: ${target.reason ?? ''}`);
  if (target.backend.isa !== isa) fail(`${target.name} ran on '${target.backend.isa}', expected '${isa}'`);
  for (const family of families) {
    const totals = target.families[family];
    if (totals === undefined || totals.total - totals.skipped === 0) fail(`${target.name}: family ${family} ran no check`);
  }
  if (!checks.reportPassed(report)) fail(`${target.name}: some checks failed (above)`);
}
console.log(`conformance-arm64: passed in ${((Date.now() - started) / 1000).toFixed(1)}s (differential ${elements.toLocaleString('en-US')} elements)`);
