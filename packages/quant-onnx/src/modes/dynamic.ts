import { create } from '@bufbuild/protobuf';
import type { InitializerUse } from '../find-initializers.js';
import { AttributeProtoSchema, AttributeType, DataType, NodeProtoSchema, TensorProtoSchema, type GraphProto, type NodeProto } from '../onnx.js';
import { quantizeWeight, type CodeSpec } from '../quantize-weight.js';
import { forgetValueInfo, replaceInitializer } from '../replace-initializer.js';
import { weightReport, type CodesReader, type QuantizedWeightReport } from '../report.js';
import type { SelectedWeight, SkippedWeight } from '../select-weights.js';
import type { UniqueNames } from '../unique-names.js';
import type { WeightLayout } from '../weight-layout.js';
import { codeSpec, refuseMixedReaders, type ModeContext, type QuantizationMode } from './mode-context.js';
import { dequantizeWeights } from './qdq.js';

/*
 * Mode 'dynamic': onnxruntime quantize_dynamic's graph (onnxruntime/python/tools/quantization/operators/matmul.py
 * MatMulInteger, conv.py ConvInteger, gather.py), what transformers.js calls q8 / int8 / uint8. For a MatMul Y = A W:
 *   DynamicQuantizeLinear(A) -> A_quantized (uint8), A_scale, A_zero_point      (one per activation and graph)
 *   MatMulInteger(A_quantized, W_quantized, A_zero_point, W_zero_point) -> int32
 *   Cast(to float) ; Mul(A_scale, W_scale) ; Mul(cast, scales) -> Y
 * Conv is the same with ConvInteger (its attributes kept) and, with a bias, Reshape(bias, [1, -1, 1, ...]) + Add.
 * Weight types: MatMul int8 symmetric (scheme 'symmetric', quantize_dynamic's default QInt8) or uint8 affine ('affine');
 * Conv uint8 affine whatever the scheme (onnxruntime's CPU ConvInteger runs uint8 x uint8 only), per tensor (its CPU
 * kernel takes a scalar filter zero point); Gather's data uint8 affine per tensor (the activation type quantize_dynamic
 * gives it) read through a DequantizeLinear before the Gather (the same values as onnxruntime's Gather on codes
 * followed by DequantizeLinear). Per channel ('channel') applies to 2-D MatMul weights (one scale per column N).
 */

const isDefaultDomain = (n: NodeProto) => n.domain === '' || n.domain === 'ai.onnx';
const readsAsWeight = (op: string, input: number) => (u: InitializerUse) => u.node.opType === op && isDefaultDomain(u.node) && u.input === input;

function attr(name: string, value: number | bigint): ReturnType<typeof create<typeof AttributeProtoSchema>> {
  return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) });
}

function newNode(name: string, opType: string, input: string[], output: string[], attribute = [] as NodeProto['attribute']): NodeProto {
  return create(NodeProtoSchema, { name, opType, input, output, attribute });
}

interface ActivationCodes {
  readonly node: NodeProto;
  readonly codes: string;
  readonly scale: string;
  readonly zeroPoint: string;
}

/** Per graph: the DynamicQuantizeLinear of each activation (shared by its quantized readers), and each rewritten node's chain. */
class Rewrites {
  private readonly activations = new Map<GraphProto, Map<string, ActivationCodes>>();
  private readonly chains = new Map<GraphProto, Map<NodeProto, { activation: string; chain: NodeProto[] }>>();

  constructor(private readonly names: UniqueNames) {}

  activation(graph: GraphProto, input: string): ActivationCodes {
    if (!this.activations.has(graph)) this.activations.set(graph, new Map());
    const byName = this.activations.get(graph)!;
    let codes = byName.get(input);
    if (codes === undefined) {
      const [q, s, zp] = [`${input}_quantized`, `${input}_scale`, `${input}_zero_point`].map((n) => this.names.claim(n)) as [string, string, string];
      codes = { node: newNode(this.names.claim(`${input}_QuantizeLinear`), 'DynamicQuantizeLinear', [input], [q, s, zp]), codes: q, scale: s, zeroPoint: zp };
      byName.set(input, codes);
    }
    return codes;
  }

  replace(graph: GraphProto, node: NodeProto, activation: string, chain: NodeProto[]): void {
    if (!this.chains.has(graph)) this.chains.set(graph, new Map());
    this.chains.get(graph)!.set(node, { activation, chain });
  }

  /** Puts each chain where its node was, each DynamicQuantizeLinear right before the first chain that reads it. */
  apply(): void {
    for (const [graph, chains] of this.chains) {
      const emitted = new Set<string>();
      graph.node = graph.node.flatMap((node) => {
        const r = chains.get(node);
        if (r === undefined) return [node];
        const first = !emitted.has(r.activation);
        emitted.add(r.activation);
        return first ? [this.activations.get(graph)!.get(r.activation)!.node, ...r.chain] : r.chain;
      });
    }
  }
}

/** The integer product's rescale chain for one node: Cast, Mul of the scales, Mul (+ the Conv bias). */
function rescaleChain(ctx: ModeContext, use: InitializerUse, integerOp: 'MatMulInteger' | 'ConvInteger', a: ActivationCodes, w: { codes: string; scale: string; zeroPoint: string }, rank: number): NodeProto[] {
  const { node, graph } = use;
  const n = ctx.names;
  const y = node.output[0]!;
  const base = node.name !== '' ? node.name : y;
  const integerOut = n.claim(`${y}_output_quantized`);
  const castOut = n.claim(`${integerOut}_cast_output`);
  const scalesOut = n.claim(`${base}_scales_mul:0`);
  const bias = integerOp === 'ConvInteger' && node.input.length > 2 && node.input[2] !== '' ? node.input[2]! : undefined;
  const scaledOut = bias === undefined ? y : n.claim(`${base}_output_scale_mul_output`);
  const integerAttributes = integerOp === 'ConvInteger' ? node.attribute : [];
  const chain = [
    newNode(n.claim(`${base}_quant`), integerOp, [a.codes, w.codes, a.zeroPoint, w.zeroPoint], [integerOut], integerAttributes),
    newNode(n.claim(`${base}_cast`), 'Cast', [integerOut], [castOut], [attr('to', DataType.FLOAT)]),
    newNode(n.claim(`${base}_scales_mul`), 'Mul', [a.scale, w.scale], [scalesOut]),
    newNode(n.claim(`${base}_output_scale_mul`), 'Mul', [castOut, scalesOut], [scaledOut]),
  ];
  if (bias !== undefined) {
    const shapeName = n.claim(`${base}_bias_reshape_shape`);
    const shape = [1n, -1n, ...Array.from({ length: rank - 2 }, () => 1n)];
    graph.initializer.push(create(TensorProtoSchema, { name: shapeName, dataType: DataType.INT64, dims: [BigInt(rank)], int64Data: shape }));
    const reshaped = n.claim(`${base}_bias_reshape_output`);
    chain.push(newNode(n.claim(`${base}_bias_reshape`), 'Reshape', [bias, shapeName], [reshaped]));
    chain.push(newNode(n.claim(`${base}_bias_add`), 'Add', [scaledOut, reshaped], [y]));
  }
  return chain;
}

function integerWeight(weight: SelectedWeight, ctx: ModeContext, rewrites: Rewrites, integerOp: 'MatMulInteger' | 'ConvInteger', layout: WeightLayout, spec: CodeSpec): QuantizedWeightReport {
  const { tensor, graph } = weight.initializer;
  const quantized = quantizeWeight(tensor, weight.dtype, weight.shape, layout, spec, ctx.data, true);
  const names = { codes: ctx.names.claim(`${tensor.name}_quantized`), scale: ctx.names.claim(`${tensor.name}_scale`), zeroPoint: ctx.names.claim(`${tensor.name}_zero_point`) };
  quantized.codes.name = names.codes;
  quantized.scale.name = names.scale;
  quantized.zeroPoint!.name = names.zeroPoint;
  const added = [quantized.codes, quantized.scale, quantized.zeroPoint!];
  replaceInitializer(graph, tensor, added);
  forgetValueInfo(graph, tensor.name);
  for (const t of added) ctx.sink.store(t);
  for (const use of weight.initializer.uses) {
    const activation = use.node.input[0]!;
    const a = rewrites.activation(use.graph, activation);
    rewrites.replace(use.graph, use.node, activation, rescaleChain(ctx, use, integerOp, a, names, weight.shape.length));
  }
  return weightReport(weight, quantized, names, spec, integerOp as CodesReader, layout);
}

const kindOf = (w: SelectedWeight) => w.firstUse.node.opType as 'MatMul' | 'Conv' | 'Gather';

export const dynamicMode: QuantizationMode = {
  plan(selected) {
    const rewrite: SelectedWeight[] = [];
    const skipped: SkippedWeight[] = [];
    for (const w of selected) {
      const kind = kindOf(w);
      if (kind !== 'Gather') {
        // DynamicQuantizeLinear takes float32 activations only; a float16 weight means a float16 activation.
        if (w.dtype !== 'float32') {
          skipped.push({ initializer: w.initializer, reason: 'dtype' });
          continue;
        }
        refuseMixedReaders(w, kind === 'MatMul' ? readsAsWeight('MatMul', 1) : readsAsWeight('Conv', 1), kind === 'MatMul' ? 'MatMul (as B)' : 'Conv (as W)');
      }
      rewrite.push(w);
    }
    return { rewrite, skipped };
  },
  run(weights, ctx) {
    const rewrites = new Rewrites(ctx.names);
    const reports: QuantizedWeightReport[] = [];
    const gathers = weights.filter((w) => kindOf(w) === 'Gather');
    for (const w of weights) {
      if (kindOf(w) === 'MatMul') {
        const layout: WeightLayout = w.layout.granularity === 'channel' && w.shape.length === 2 ? w.layout : { granularity: 'tensor' };
        reports.push(integerWeight(w, ctx, rewrites, 'MatMulInteger', layout, codeSpec(w.options ?? ctx.options)));
      } else if (kindOf(w) === 'Conv') {
        reports.push(integerWeight(w, ctx, rewrites, 'ConvInteger', { granularity: 'tensor' }, codeSpec(w.options ?? ctx.options, { scheme: 'affine' })));
      }
    }
    rewrites.apply();
    const gatherLayout = (w: SelectedWeight): SelectedWeight => ((w.options ?? ctx.options).granularity === 'tensor' ? { ...w, layout: { granularity: 'tensor' } } : w);
    reports.push(...dequantizeWeights(gathers.map(gatherLayout), ctx, (w) => codeSpec(w.options ?? ctx.options, { scheme: 'affine' })));
    return reports;
  },
};
