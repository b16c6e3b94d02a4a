import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fakeQuantizeWithError, parseCalibration, type QuantizationErrorReport } from '@quantkit/quant';
import { ExternalDataReader } from './external-reader.js';
import { forEachGraph } from './graph-walk.js';
import { decodeOnnxModel } from './model-io.js';
import type { TensorProto } from './onnx.js';
import { resolveOptions, type QuantizeOnnxOptions } from './options.js';
import { weightValues } from './quantize-weight.js';
import type { OnnxQuantizationReport, QuantizedWeightReport } from './report.js';
import { INLINE_DATA, isExternal, type TensorData } from './tensor-data.js';
import { toHalfBits } from './float16/half-values.js';
import { DataType } from './onnx.js';
import { float32Values } from './weight-values.js';
import { describeLayout, type WeightLayout } from './weight-layout.js';

/** One row of the per-tensor error table: a quantized weight against its float original. */
export interface WeightErrorRow {
  readonly name: string;
  readonly graph: string;
  readonly shape: readonly number[];
  readonly codeType: string;
  readonly readBy: string;
  readonly layout: string;
  readonly error: QuantizationErrorReport;
}

function granularityOf(layout: WeightLayout) {
  if (layout.granularity === 'tensor') return 'tensor' as const;
  if (layout.granularity === 'channel') return { axis: layout.axis };
  return { axis: layout.axis, blockSize: layout.blockSize };
}

/**
 * The error of every quantized weight: the input model's float values against what the output model computes with
 * (fakeQuantize with the weight's own bits, scheme, layout and calibrator: DequantizeLinear, MatMulNBits
 * and MatMulInteger's rescale all dequantize to those values). Weights are read again one at a time.
 */
export async function measureWeightErrors(input: string, report: OnnxQuantizationReport, options: QuantizeOnnxOptions = {}): Promise<WeightErrorRow[]> {
  resolveOptions(options); // the same checks as the quantization's (the weights carry their own calibrators)
  const model = decodeOnnxModel(await readFile(input));
  const byKey = new Map<string, TensorProto>();
  let external = false;
  forEachGraph(model.graph!, (g, path) => {
    for (const t of g.initializer) {
      byKey.set(`${path}\u0000${t.name}`, t);
      external ||= isExternal(t);
    }
  });
  const reader = external ? new ExternalDataReader(dirname(input)) : undefined;
  try {
    return report.weights.map((w: QuantizedWeightReport) => {
      const tensor = byKey.get(`${w.graph}\u0000${w.name}`)!;
      const values = valuesOf(tensor, w, reader ?? INLINE_DATA);
      const common = { scheme: w.scheme, bits: w.bits, shape: w.shape, granularity: granularityOf(w.layout), ...(w.calibrator === 'minmax' ? {} : { range: parseCalibration(w.calibrator) }) };
      const { error } = values instanceof Uint16Array ? fakeQuantizeWithError(values, { ...common, dtype: 'float16' }) : fakeQuantizeWithError(values, common);
      return { name: w.name, graph: w.graph, shape: w.shape, codeType: w.codeType, readBy: w.readBy, layout: describeLayout(w.layout), error };
    });
  } finally {
    reader?.close();
  }
}

/** The weight as it was quantized: q4f16's weights are the float16 conversion of the input's float32 ones. */
function valuesOf(tensor: TensorProto, w: QuantizedWeightReport, data: TensorData): Float32Array | Uint16Array {
  if (w.dtype !== 'float16' || tensor.dataType !== DataType.FLOAT) return weightValues(tensor, w.dtype, w.shape, data);
  return toHalfBits(float32Values(tensor, w.shape.reduce((p, d) => p * d, 1), data)).bits;
}

const COLUMNS = ['tensor', 'graph', 'shape', 'codes', 'read by', 'layout', 'SQNR dB', 'cosine', 'RMSE', 'max |error|'];

function cells(r: WeightErrorRow): string[] {
  return [r.name, r.graph, `[${r.shape.join(', ')}]`, r.codeType, r.readBy, r.layout, r.error.sqnrDb.toFixed(2), r.error.cosine.toFixed(6), r.error.rmse.toExponential(3), r.error.maxAbs.toExponential(3)];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const escapeMarkdown = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

/** The table as JSON, Markdown or a self-contained HTML page, by the file's extension. */
export function formatWeightErrors(rows: readonly WeightErrorRow[], format: 'json' | 'md' | 'html', title: string): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'md') {
    const line = (c: readonly string[]) => `| ${c.join(' | ')} |`;
    return `${[`# ${escapeMarkdown(title)}`, '', line(COLUMNS), line(COLUMNS.map(() => '---')), ...rows.map((r) => line(cells(r).map(escapeMarkdown)))].join('\n')}\n`;
  }
  const tr = (c: readonly string[], tag: string) => `<tr>${c.map((x) => `<${tag}>${escapeHtml(x)}</${tag}>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td:nth-child(n+7){text-align:right;font-variant-numeric:tabular-nums}</style>
</head><body><h1>${escapeHtml(title)}</h1>
<table>${tr(COLUMNS, 'th')}${rows.map((r) => tr(cells(r), 'td')).join('')}</table>
</body></html>
`;
}

export function reportFormatOf(path: string): 'json' | 'md' | 'html' | undefined {
  const m = /\.(json|md|html?)$/i.exec(path);
  if (m === null) return undefined;
  const ext = m[1]!.toLowerCase();
  return ext === 'htm' || ext === 'html' ? 'html' : (ext as 'json' | 'md');
}
