import { create } from '@bufbuild/protobuf';
import type { InitializerUse } from '../find-initializers.js';
import { packNBitsBlocks, packZeroPoints, transposeBlocks } from '../nbits-pack.js';
import { AttributeProtoSchema, AttributeType, DataType, type AttributeProto } from '../onnx.js';
import { importMicrosoftDomain, MICROSOFT_DOMAIN } from '../opset.js';
import { quantizeValues, scaleBytes, tensorOf, weightValues } from '../quantize-weight.js';
import { forgetValueInfo, replaceInitializer } from '../replace-initializer.js';
import { weightReport, type QuantizedWeightReport } from '../report.js';
import type { SelectedWeight } from '../select-weights.js';
import type { WeightLayout } from '../weight-layout.js';
import { codeSpec, refuseMixedReaders, type ModeContext, type QuantizationMode } from './mode-context.js';

/*
 * Mode 'matmul-nbits': each MatMul whose B is a constant 2-D float initializer [K, N] becomes com.microsoft.MatMulNBits
 * (what transformers.js calls q4): codes in blocks of block_size along K, packed as nbits-pack.ts describes. Symmetric
 * writes no zero points (the operator's default 2^(bits-1) is the offset the signed codes are stored with); affine
 * writes packed uint8 zero points. Names follow onnxruntime's matmul_nbits_quantizer.py: B_Q4, B_scales,
 * B_zero_points, node_Q4. accuracy_level is not set (0: float A, float accumulation).
 */

function intAttribute(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) });
}

const isMatMulB = (u: InitializerUse) => u.node.opType === 'MatMul' && (u.node.domain === '' || u.node.domain === 'ai.onnx') && u.input === 1;

function rewriteOne(weight: SelectedWeight, ctx: ModeContext): QuantizedWeightReport {
  const { tensor, graph } = weight.initializer;
  const [K, N] = weight.shape as [number, number];
  const options = weight.options ?? ctx.options;
  const { blockSize } = options;
  const bits = options.bits as 4 | 8;
  const spec = codeSpec(options);
  const layout: WeightLayout = { granularity: 'block', axis: 0, blockSize };
  const qt = quantizeValues(tensor.name, weightValues(tensor, weight.dtype, weight.shape, ctx.data), weight.dtype, weight.shape, layout, spec, false);
  const kBlocks = Math.ceil(K / blockSize);
  const symmetric = spec.scheme === 'symmetric';
  const offset = symmetric ? 2 ** (bits - 1) : 0;
  const zeroPoints = symmetric ? undefined : transposeBlocks(qt.zeroPoint as Int32Array, kBlocks, N);
  const pad = (n: number) => (zeroPoints === undefined ? offset : zeroPoints[n * kBlocks + kBlocks - 1]!);
  const packed = packNBitsBlocks(qt.data as Int8Array | Uint8Array, K, N, blockSize, bits, offset, pad);

  const names = {
    codes: ctx.names.claim(`${tensor.name}_Q${bits}`),
    scale: ctx.names.claim(`${tensor.name}_scales`),
    zeroPoint: zeroPoints === undefined ? undefined : ctx.names.claim(`${tensor.name}_zero_points`),
  };
  const codes = tensorOf(DataType.UINT8, [N, kBlocks, (blockSize * bits) / 8], packed);
  const scales = tensorOf(weight.dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT, [N * kBlocks], scaleBytes(transposeBlocks(qt.scale as Float32Array, kBlocks, N), weight.dtype));
  const zp = zeroPoints === undefined ? undefined : tensorOf(DataType.UINT8, [N * Math.ceil((kBlocks * bits) / 8)], packZeroPoints(zeroPoints, kBlocks, N, bits));
  codes.name = names.codes;
  scales.name = names.scale;
  if (zp !== undefined) zp.name = names.zeroPoint!;
  const added = zp === undefined ? [codes, scales] : [codes, scales, zp];
  replaceInitializer(graph, tensor, added);
  forgetValueInfo(graph, tensor.name);
  const sizes = { codeType: `uint${bits}`, floatBytes: K * N * (weight.dtype === 'float16' ? 2 : 4), codeBytes: packed.byteLength, scaleBytes: scales.rawData.byteLength, zeroPointBytes: zp?.rawData.byteLength ?? 0 };
  for (const t of added) ctx.sink.store(t);
  const report = weightReport(weight, sizes, names, spec, 'MatMulNBits', layout); // before the readers change type

  for (const { node } of weight.initializer.uses) {
    node.opType = 'MatMulNBits';
    node.domain = MICROSOFT_DOMAIN;
    node.input = [node.input[0]!, names.codes, names.scale, ...(names.zeroPoint === undefined ? [] : [names.zeroPoint])];
    node.attribute = [intAttribute('K', K), intAttribute('N', N), intAttribute('bits', bits), intAttribute('block_size', blockSize)];
    if (node.name !== '') node.name = ctx.names.claim(`${node.name}_Q${bits}`);
  }
  return report;
}

export const MATMUL_NBITS_MODE: QuantizationMode = {
  plan(selected) {
    const rewrite: SelectedWeight[] = [];
    const skipped: { initializer: SelectedWeight['initializer']; reason: 'rank' }[] = [];
    for (const w of selected) {
      if (w.shape.length !== 2) skipped.push({ initializer: w.initializer, reason: 'rank' });
      else {
        refuseMixedReaders(w, isMatMulB, 'MatMul (as B)');
        rewrite.push(w);
      }
    }
    return { rewrite, skipped };
  },
  run(weights, ctx) {
    const reports = weights.map((w) => rewriteOne(w, ctx));
    if (reports.length > 0) importMicrosoftDomain(ctx.model);
    return reports;
  },
};
