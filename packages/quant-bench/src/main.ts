/**
 * `pnpm bench`: quantkit's kernels against each other, against onnxruntime-node and against this machine's memory
 * bandwidth, in one process and one run. Prints the tables and writes the JSON results (results/latest.json; the
 * markdown report is generated from it by `pnpm --filter @quantkit/quant-bench report`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '@quantkit/quant-core';
import { backendColumns, loadNative } from './backends.js';
import { measureBandwidth } from './bandwidth/measure.js';
import { measureCrossovers } from './crossover.js';
import { machineInfo } from './machine.js';
import { runMatrix } from './matrix.js';
import { FULL, QUICK } from './settings.js';
import { bytesPerElement } from './limits.js';
import { OPERATIONS } from './ops/index.js';
import { FULL_SIZES, HELP, parseOptions, QUICK_SIZES } from './options.js';
import { loadOrt, ORT_COLUMNS } from './ort.js';
import { measureOverhead } from './overhead.js';
import { renderText } from './render-text.js';
import type { BenchResults, ColumnInfo, CrossoverResult, OperationInfo } from './results.js';
import { ROUTING_FILE } from './routing-constants.js';
import { measureScaling } from './scaling.js';
import { bandwidthTable, crossoverTable, missingColumns, operationTables, overheadTable, routingText, scalingTable, targetsTable } from './tables.js';
import { evaluateTargets } from './targets.js';
import { loadCliResult } from './cli-bench/load.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../results');

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const [native, ort] = await Promise.all([loadNative(), loadOrt()]);
  const columns = backendColumns(native);
  for (const c of columns) if (c.unavailable !== undefined) log(`column '${c.label}' is empty: ${c.unavailable}`);
  if (!ort.ok) log(`ONNX Runtime columns are empty: ${ort.reason}`);

  const quick = options.quick;
  const settings = quick ? QUICK : FULL;
  const operations = options.only.length === 0 ? OPERATIONS : OPERATIONS.filter((o) => options.only.some((s) => o.id.includes(s)));

  log('memory bandwidth');
  const bandwidth = await measureBandwidth(settings.bandwidthFloats, settings.bandwidthRepetitions);

  log('per-call overhead at 20 elements');
  const overhead = await measureOverhead(OPERATIONS, columns, ort, settings.overhead);

  log(`main table: ${operations.length} operations × ${options.sizes.length} sizes`);
  const rows = await runMatrix({ sizes: options.sizes, operations, columns, ort, bandwidth, measure: settings.kernel, maxSecondsPerCall: settings.maxSecondsPerCall, log });

  log('thread scaling');
  const scaling = await measureScaling(OPERATIONS, columns, rows, settings.fine);

  log('crossovers');
  const avx2 = columns.find((c) => c.id === 'native-avx2')?.backend;
  const crossovers: CrossoverResult =
    avx2 === undefined
      ? { native: 'unavailable', rows: [], unavailable: columns.find((c) => c.id === 'native-avx2')?.unavailable ?? 'native unavailable' }
      : { native: `${avx2.isa}, 1 thread`, rows: await measureCrossovers(columns[0]!.backend!, avx2, settings.fine, log) };

  const columnInfo: ColumnInfo[] = [
    ...columns.map((c) => ({ id: c.id, label: c.label, kind: 'quantkit' as const, threads: c.threads, ...(c.unavailable !== undefined ? { unavailable: c.unavailable } : {}) })),
    ...ORT_COLUMNS.map((c) => ({ id: c.id, label: c.label, kind: 'ort' as const, threads: c.threads, ...(!ort.ok ? { unavailable: ort.reason } : {}) })),
  ];
  const operationInfo: OperationInfo[] = operations.map((op) => {
    const sample = op.prepare(new Float32Array(64).fill(0.5), { producer: columns[0]!.backend!, withOrt: ort.ok });
    return {
      id: op.id,
      label: op.label,
      description: op.description,
      passes: op.passes,
      bytesPerElement: bytesPerElement(op.passes),
      ...(sample.ort !== undefined ? { ortOp: sample.ort.op, ...(sample.ort.note !== undefined ? { ortNote: sample.ort.note } : {}) } : {}),
    };
  });
  machine.loadAverageEnd = os.loadavg()[0]!;
  const results: BenchResults = {
    schema: 1,
    kind: quick ? 'quick' : 'full',
    startedAt,
    durationSeconds: 0,
    command: `pnpm bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    software: {
      quantCore: VERSION,
      native: native.ok
        ? { available: true, path: native.native.path, version: native.native.addon.version, isas: native.native.addon.availableIsas }
        : { available: false, reason: native.reason },
      onnxruntime: ort.ok ? { available: true, version: ort.version } : { available: false, reason: ort.reason },
    },
    sizes: options.sizes,
    bandwidth,
    columns: columnInfo,
    operations: operationInfo,
    rows,
    overhead,
    scaling,
    crossovers,
    targets: [],
  };
  (results as { targets: BenchResults['targets'] }).targets = evaluateTargets(results, loadCliResult(RESULTS_DIR));
  results.durationSeconds = (performance.now() - started) / 1000;

  const print = (s: string): void => void process.stdout.write(`${s}\n\n`);
  print(`quantkit benchmark (${results.kind}) — ${machine.cpuModel}, ${machine.cpus} CPUs, Node ${machine.node}, load average ${machine.loadAverageStart.toFixed(2)} → ${(machine.loadAverageEnd ?? 0).toFixed(2)}`);
  const missing = missingColumns(results);
  if (missing.length > 0) print(['Empty columns:', ...missing.map((m) => `  * ${m}`)].join('\n'));
  print(renderText(bandwidthTable(results)));
  for (const t of operationTables(results)) print(renderText(t));
  print(renderText(overheadTable(results)));
  print(renderText(scalingTable(results)));
  print(renderText(crossoverTable(results)));
  print(routingText(results));
  print(renderText(targetsTable(results)));

  const json = `${JSON.stringify(results, null, 2)}\n`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  // A filtered run (--only, --sizes) is not a full run: it must never replace latest.json, from which the docs are made.
  const partial = options.only.length > 0 || options.sizes !== (quick ? QUICK_SIZES : FULL_SIZES);
  const defaultFile = resolve(RESULTS_DIR, partial ? 'latest-partial.json' : quick ? 'latest-quick.json' : 'latest.json');
  writeFileSync(defaultFile, json);
  if (options.json !== undefined) writeFileSync(resolve(options.json), json);
  log(`results: ${defaultFile}${options.json !== undefined ? ` and ${resolve(options.json)}` : ''} (${results.durationSeconds.toFixed(0)} s); routing constants for ${ROUTING_FILE} printed above`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
