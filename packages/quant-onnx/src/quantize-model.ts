import { OnnxError, OnnxErrorCodes } from './errors.js';
import { Float16Conversion, type Float16Report } from './float16/convert-model.js';
import { applyPlan } from './apply-plan.js';
import { findInitializers } from './find-initializers.js';
import { readOnnxModel, writeOnnxModel } from './model-io.js';
import { dynamicMode } from './modes/dynamic.js';
import { MATMUL_NBITS_MODE } from './modes/matmul-nbits.js';
import type { QuantizationMode } from './modes/mode-context.js';
import { QDQ_MODE } from './modes/qdq.js';
import type { ModelProto } from './onnx.js';
import { defaultOpset, FLOAT16_NEED, INT4_IR_VERSION, opsetNeededBy, refuseLowOpset } from './opset.js';
import { resolveOptions, type OnnxQuantMode, type QuantizeOnnxOptions, type ResolvedOptions } from './options.js';
import { skippedReport, type OnnxQuantizationReport, type QuantizedWeightReport, type SkippedWeightReport } from './report.js';
import { selectWeights, type WeightSelection } from './select-weights.js';
import { INLINE_DATA, KEEP_INLINE, type TensorData, type TensorSink } from './tensor-data.js';
import { UniqueNames } from './unique-names.js';

export interface OnnxQuantizationResult {
  /** The quantized model (a serialized ModelProto). */
  readonly model: Uint8Array;
  readonly report: OnnxQuantizationReport;
}

const MODES: Readonly<Record<Exclude<OnnxQuantMode, 'fp16'>, QuantizationMode>> = { qdq: QDQ_MODE, 'matmul-nbits': MATMUL_NBITS_MODE, dynamic: dynamicMode };

function refuseEmptySelection(selection: WeightSelection, rewrite: number, skipped: readonly { initializer: { tensor: { name: string } }; reason: string }[]): void {
  if (rewrite > 0) return;
  if (selection.alreadyQuantized > 0 && selection.selected.length === 0) {
    throw new OnnxError(
      OnnxErrorCodes.ALREADY_QUANTIZED,
      `the model is already quantized: ${selection.alreadyQuantized} initializer(s) feed QuantizeLinear/DequantizeLinear and no float weight is left to quantize`,
    );
  }
  const why = skipped.length > 0 ? ` (${skipped.map((s) => `'${s.initializer.tensor.name}': ${s.reason}`).join(', ')})` : '';
  throw new OnnxError(OnnxErrorCodes.NOTHING_TO_QUANTIZE, `no float initializer feeds a weight input of the selected operators${why}`);
}

/** What quantizing a decoded model did (the model is changed in place). */
export interface ModelQuantization {
  readonly opset: number;
  readonly weights: QuantizedWeightReport[];
  readonly skipped: SkippedWeightReport[];
  /** With a plan: its patterns that matched no weight. */
  readonly plan?: { readonly unmatchedPatterns: readonly string[] };
  /** Mode 'fp16' or the float16 option: what the float16 conversion did. */
  readonly float16?: Float16Report;
}

/**
 * Quantizes a decoded model in place with resolved options: weights are read through `data` (raw_data, or external
 * files) and new payloads handed to `sink` as soon as they exist (kept inline, or written to an external file).
 */
export function quantizeModelProto(model: ModelProto, options: ResolvedOptions, data: TensorData = INLINE_DATA, sink: TensorSink = KEEP_INLINE): ModelQuantization {
  if (!options.float16) return quantizeWeights(model, options, data, sink);
  const opset = defaultOpset(model);
  const conversion = new Float16Conversion(model, data);
  const done = options.mode === 'fp16' ? { opset, weights: [], skipped: [] } : quantizeWeights(model, options, conversion.data, sink);
  return { ...done, float16: conversion.finish(sink) };
}

function quantizeWeights(model: ModelProto, options: ResolvedOptions, data: TensorData, sink: TensorSink): ModelQuantization {
  const opset = defaultOpset(model);
  if (options.plan === undefined) refuseLowOpset(opset, opsetNeededBy(options));
  const graph = model.graph!;
  const found = selectWeights(findInitializers(graph), options);
  const selection = options.plan === undefined ? found : applyPlan(found, options.plan, options);
  const mode = MODES[options.mode as Exclude<OnnxQuantMode, 'fp16'>];
  const plan = mode.plan(selection.selected, options);
  const skipped = [...selection.skipped, ...plan.skipped];
  refuseEmptySelection(selection, plan.rewrite.length, skipped);
  // With a plan, each weight's own options decide what its DequantizeLinear needs.
  for (const own of new Set(plan.rewrite.map((w) => w.options ?? options))) refuseLowOpset(opset, opsetNeededBy(own));
  if (options.mode !== 'matmul-nbits' && plan.rewrite.some((w) => w.dtype === 'float16')) refuseLowOpset(opset, FLOAT16_NEED);
  const weights = mode.run(plan.rewrite, { model, options, names: new UniqueNames(graph), data, sink });
  if (weights.some((w) => w.readBy === 'DequantizeLinear' && w.bits === 4) && model.irVersion < INT4_IR_VERSION) model.irVersion = INT4_IR_VERSION;
  const unmatchedPatterns = 'unmatchedPatterns' in selection ? (selection.unmatchedPatterns as readonly string[]) : [];
  return { opset, weights, skipped: skipped.map(skippedReport), ...(options.plan === undefined ? {} : { plan: { unmatchedPatterns } }) };
}

/**
 * Quantizes an ONNX model's weights (docs/ONNX.md): mode 'qdq' (default, integer initializers + DequantizeLinear),
 * 'matmul-nbits' (com.microsoft.MatMulNBits) or 'dynamic' (quantize_dynamic's MatMulInteger / ConvInteger graph).
 * Bytes in, bytes out, for models whose tensors are all inside the model (quantizeOnnxFile reads and writes external
 * data); every refusal is an OnnxError with a stable code.
 */
export function quantizeOnnxModelWithReport(bytes: Uint8Array, options: QuantizeOnnxOptions = {}): OnnxQuantizationResult {
  const resolved = resolveOptions(options);
  const model = readOnnxModel(bytes);
  const done = quantizeModelProto(model, resolved);
  const out = writeOnnxModel(model);
  return { model: out, report: reportOf(resolved, model, done, bytes.byteLength, out.byteLength) };
}

/** The report of a quantization: what was done to the model, and its sizes in and out. */
export function reportOf(options: ResolvedOptions, model: ModelProto, done: ModelQuantization, inputBytes: number, outputBytes: number): OnnxQuantizationReport {
  return {
    mode: options.mode,
    opset: done.opset,
    irVersion: Number(model.irVersion),
    weights: done.weights,
    skipped: done.skipped,
    ...(done.plan === undefined ? {} : { plan: done.plan }),
    ...(done.float16 === undefined ? {} : { float16: done.float16 }),
    inputBytes,
    outputBytes,
  };
}

/** quantizeOnnxModelWithReport without the report: the quantized model's bytes. */
export function quantizeOnnxModel(bytes: Uint8Array, options: QuantizeOnnxOptions = {}): Uint8Array {
  return quantizeOnnxModelWithReport(bytes, options).model;
}
