import { create } from '@bufbuild/protobuf';
import { Rng } from '@quantkit/quant-conformance/random';
import { TensorProtoSchema } from '../../src/generated/onnx_pb.js';
import { DataType, floatTensor, graph, model, node, tensorValue } from './build-model.js';

/*
 * An If whose then-branch owns a weight and whose else-branch reads an outer-scope weight, then a Loop whose body owns
 * one: inputs x [2, 16] (float) and cond (bool), output z [2, 32].
 */

export function normal(seed: number, n: number, scale: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

const boolTensor = (name: string, value: boolean) => create(TensorProtoSchema, { name, dataType: DataType.BOOL, dims: [], int32Data: [value ? 1 : 0] });
const int64Scalar = (name: string, value: bigint) => create(TensorProtoSchema, { name, dataType: DataType.INT64, dims: [], int64Data: [value] });

export function subgraphModel(opset: number): Uint8Array {
  const thenBranch = graph({
    name: 'then',
    nodes: [node('MatMul', ['h', 'then.weight'], ['t_out'])],
    initializers: [floatTensor('then.weight', [16, 32], normal(1, 16 * 32, 0.25))],
    outputs: [tensorValue('t_out', DataType.FLOAT, [2, 32])],
  });
  const elseBranch = graph({
    name: 'else',
    nodes: [node('MatMul', ['h', 'outer.weight'], ['e_out'])],
    outputs: [tensorValue('e_out', DataType.FLOAT, [2, 32])],
  });
  const loopBody = graph({
    name: 'body',
    nodes: [node('Identity', ['cond_in'], ['cond_out']), node('MatMul', ['v_in', 'loop.weight'], ['m']), node('Tanh', ['m'], ['v_out'])],
    initializers: [floatTensor('loop.weight', [32, 32], normal(2, 32 * 32, 0.3))],
    inputs: [tensorValue('iter', DataType.INT64, []), tensorValue('cond_in', DataType.BOOL, []), tensorValue('v_in', DataType.FLOAT, [2, 32])],
    outputs: [tensorValue('cond_out', DataType.BOOL, []), tensorValue('v_out', DataType.FLOAT, [2, 32])],
  });
  const main = graph({
    nodes: [
      node('MatMul', ['x', 'first.weight'], ['h']),
      node('Identity', ['h'], ['then.weight_quantized']), // takes the name the then-branch weight would get
      node('If', ['cond'], ['y'], { then_branch: thenBranch, else_branch: elseBranch }, 'if'),
      node('Loop', ['trips', 'keep_going', 'y'], ['z'], { body: loopBody }, 'loop'),
    ],
    initializers: [
      floatTensor('first.weight', [16, 16], normal(3, 256, 0.25)),
      floatTensor('outer.weight', [16, 32], normal(4, 16 * 32, 0.25)),
      int64Scalar('trips', 3n),
      boolTensor('keep_going', true),
    ],
    inputs: [tensorValue('x', DataType.FLOAT, [2, 16]), tensorValue('cond', DataType.BOOL, [])],
    outputs: [tensorValue('z', DataType.FLOAT, [2, 32])],
  });
  return model(opset, main);
}
