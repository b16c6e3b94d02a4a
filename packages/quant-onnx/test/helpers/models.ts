import { Rng, deriveSeed } from '@quantkit/quant-conformance/random';
import { DataType, floatTensor, graph, int64Tensor, model, node, tensorValue } from './build-model.js';

/*
 * The proof models, with seeded weights (normal, scaled by 1/sqrt(fan-in) like a trained layer's) and seeded inputs.
 * Each is large enough (tens of thousands of weights or more) for the file-size check to measure payloads, not names.
 */

export type Feed =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: 'bool'; readonly data: Uint8Array; readonly dims: readonly number[] };

export interface TestModel {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly feeds: Readonly<Record<string, Feed>>;
  /** The per-channel axis each weight must get (docs/ONNX.md's rules). */
  readonly channelAxes: Readonly<Record<string, number>>;
  /** The axis blocks must run along. */
  readonly blockAxes: Readonly<Record<string, number>>;
}

const SEED = 20260815;

function weights(label: string, dims: readonly number[], fanIn: number): Float32Array {
  const rng = new Rng(deriveSeed(SEED, label));
  const out = new Float32Array(dims.reduce((p, d) => p * d, 1));
  rng.fill(out, 'normal', 1 / Math.sqrt(fanIn));
  return out;
}

function input(label: string, dims: readonly number[]): Feed {
  const rng = new Rng(deriveSeed(SEED, `input:${label}`));
  const data = new Float32Array(dims.reduce((p, d) => p * d, 1));
  rng.fill(data, 'normal', 1);
  return { type: 'float32', data, dims };
}

const w = (name: string, dims: readonly number[], fanIn: number) => floatTensor(name, dims, weights(name, dims, fanIn));

/** x [2, 256] -> MatMul [256, 512] -> Add -> Relu -> MatMul [512, 128] -> Add -> y. */
export function mlp(opset: number): TestModel {
  const g = graph({
    nodes: [
      node('MatMul', ['x', 'fc1.weight'], ['h1']),
      node('Add', ['h1', 'fc1.bias'], ['h2']),
      node('Relu', ['h2'], ['h3']),
      node('MatMul', ['h3', 'fc2.weight'], ['h4']),
      node('Add', ['h4', 'fc2.bias'], ['y']),
    ],
    initializers: [w('fc1.weight', [256, 512], 256), w('fc1.bias', [512], 256), w('fc2.weight', [512, 128], 512), w('fc2.bias', [128], 512)],
    inputs: [tensorValue('x', DataType.FLOAT, ['batch', 256])],
    outputs: [tensorValue('y', DataType.FLOAT, ['batch', 128])],
  });
  return {
    name: 'mlp',
    bytes: model(opset, g),
    feeds: { x: input('mlp', [2, 256]) },
    channelAxes: { 'fc1.weight': 1, 'fc2.weight': 1 },
    blockAxes: { 'fc1.weight': 0, 'fc2.weight': 0 },
  };
}

/** x [4, 256] -> Gemm(transB=1, W [384, 256]) -> Relu -> Gemm(transB=0, W [384, 128]) -> y. */
export function gemm(opset: number): TestModel {
  const g = graph({
    nodes: [
      node('Gemm', ['x', 'proj.weight', 'proj.bias'], ['h1'], { transB: 1 }),
      node('Relu', ['h1'], ['h2']),
      node('Gemm', ['h2', 'head.weight', 'head.bias'], ['y'], { transB: 0, alpha: { float: 0.5 } }),
    ],
    initializers: [w('proj.weight', [384, 256], 256), w('proj.bias', [384], 256), w('head.weight', [384, 128], 384), w('head.bias', [128], 384)],
    inputs: [tensorValue('x', DataType.FLOAT, [4, 256])],
    outputs: [tensorValue('y', DataType.FLOAT, [4, 128])],
  });
  return {
    name: 'gemm',
    bytes: model(opset, g),
    feeds: { x: input('gemm', [4, 256]) },
    channelAxes: { 'proj.weight': 0, 'head.weight': 1 },
    blockAxes: { 'proj.weight': 1, 'head.weight': 0 },
  };
}

/** x [1, 3, 32, 32] -> three Conv+Relu (32, 64, 128 channels, 3x3) -> GlobalAveragePool -> y [1, 128, 1, 1]. */
export function cnn(opset: number): TestModel {
  const conv = (i: number, x: string, y: string, strides: number) =>
    node('Conv', [x, `conv${i}.weight`, `conv${i}.bias`], [y], { pads: [1, 1, 1, 1], strides: [strides, strides], kernel_shape: [3, 3] });
  const g = graph({
    nodes: [
      conv(1, 'x', 'c1', 1),
      node('Relu', ['c1'], ['r1']),
      conv(2, 'r1', 'c2', 2),
      node('Relu', ['c2'], ['r2']),
      conv(3, 'r2', 'c3', 2),
      node('Relu', ['c3'], ['r3']),
      node('GlobalAveragePool', ['r3'], ['y']),
    ],
    initializers: [
      w('conv1.weight', [32, 3, 3, 3], 27),
      w('conv1.bias', [32], 27),
      w('conv2.weight', [64, 32, 3, 3], 288),
      w('conv2.bias', [64], 288),
      w('conv3.weight', [128, 64, 3, 3], 576),
      w('conv3.bias', [128], 576),
    ],
    inputs: [tensorValue('x', DataType.FLOAT, [1, 3, 32, 32])],
    outputs: [tensorValue('y', DataType.FLOAT, [1, 128, 1, 1])],
  });
  return {
    name: 'cnn',
    bytes: model(opset, g),
    feeds: { x: input('cnn', [1, 3, 32, 32]) },
    channelAxes: { 'conv1.weight': 0, 'conv2.weight': 0, 'conv3.weight': 0 },
    blockAxes: { 'conv1.weight': 1, 'conv2.weight': 1, 'conv3.weight': 1 },
  };
}

/** ids [2, 8] -> Gather(embedding [2000, 64]) -> MatMul [64, 256] -> y [2, 8, 256]. */
export function embedding(opset: number): TestModel {
  const rng = new Rng(deriveSeed(SEED, 'ids'));
  const ids = BigInt64Array.from({ length: 16 }, () => BigInt(rng.int(0, 1999)));
  const g = graph({
    nodes: [node('Gather', ['embed.weight', 'ids'], ['e']), node('MatMul', ['e', 'out.weight'], ['y'])],
    initializers: [w('embed.weight', [2000, 64], 1), w('out.weight', [64, 256], 64)],
    inputs: [tensorValue('ids', DataType.INT64, [2, 8])],
    outputs: [tensorValue('y', DataType.FLOAT, [2, 8, 256])],
  });
  return {
    name: 'embedding',
    bytes: model(opset, g),
    feeds: { ids: { type: 'int64', data: ids, dims: [2, 8] } },
    channelAxes: { 'embed.weight': 0, 'out.weight': 1 },
    blockAxes: { 'embed.weight': 1, 'out.weight': 0 },
  };
}


/**
 * A small transformer block: ids [1, 8] -> Gather(embedding [500, 64]) -> single-head self-attention (MatMul q, k, v
 * [64, 64]; the attention-shaped MatMuls Q K^T and softmax(.) V, which read no weight; MatMul o) + residual -> MLP
 * (MatMul [64, 256], Relu, MatMul [256, 64]) + residual -> Reshape [8, 64] -> Gemm(transB=1, head [100, 64]) -> y [8, 100].
 */
export function transformerBlock(opset: number): TestModel {
  const rng = new Rng(deriveSeed(SEED, 'tokens'));
  const ids = BigInt64Array.from({ length: 8 }, () => BigInt(rng.int(0, 499)));
  const g = graph({
    nodes: [
      node('Gather', ['tok.weight', 'ids'], ['x']),
      node('MatMul', ['x', 'attn.q.weight'], ['q']),
      node('MatMul', ['x', 'attn.k.weight'], ['k']),
      node('MatMul', ['x', 'attn.v.weight'], ['v']),
      node('Transpose', ['k'], ['kt'], { perm: [0, 2, 1] }),
      node('MatMul', ['q', 'kt'], ['scores']),
      node('Mul', ['scores', 'attn.scale'], ['scaled']),
      node('Softmax', ['scaled'], ['probs'], { axis: -1 }),
      node('MatMul', ['probs', 'v'], ['context']),
      node('MatMul', ['context', 'attn.o.weight'], ['attn_out']),
      node('Add', ['x', 'attn_out'], ['h1']),
      node('MatMul', ['h1', 'mlp.up.weight'], ['up']),
      node('Relu', ['up'], ['act']),
      node('MatMul', ['act', 'mlp.down.weight'], ['down']),
      node('Add', ['h1', 'down'], ['h2']),
      node('Reshape', ['h2', 'flat.shape'], ['flat']),
      node('Gemm', ['flat', 'head.weight', 'head.bias'], ['y'], { transB: 1 }),
    ],
    initializers: [
      w('tok.weight', [500, 64], 1),
      w('attn.q.weight', [64, 64], 64),
      w('attn.k.weight', [64, 64], 64),
      w('attn.v.weight', [64, 64], 64),
      floatTensor('attn.scale', [], Float32Array.of(0.125)),
      w('attn.o.weight', [64, 64], 64),
      w('mlp.up.weight', [64, 256], 64),
      w('mlp.down.weight', [256, 64], 256),
      int64Tensor('flat.shape', [2], [8, 64]),
      w('head.weight', [100, 64], 64),
      w('head.bias', [100], 64),
    ],
    inputs: [tensorValue('ids', DataType.INT64, [1, 8])],
    outputs: [tensorValue('y', DataType.FLOAT, [8, 100])],
  });
  const matmuls = ['attn.q.weight', 'attn.k.weight', 'attn.v.weight', 'attn.o.weight', 'mlp.up.weight', 'mlp.down.weight'];
  return {
    name: 'transformer',
    bytes: model(opset, g),
    feeds: { ids: { type: 'int64', data: ids, dims: [1, 8] } },
    channelAxes: { 'tok.weight': 0, ...Object.fromEntries(matmuls.map((m) => [m, 1])), 'head.weight': 0 },
    blockAxes: { 'tok.weight': 1, ...Object.fromEntries(matmuls.map((m) => [m, 0])), 'head.weight': 1 },
  };
}

/** K not a multiple of any block size, and odd: x [3, 99] -> MatMul [99, 40] -> y (the padding of the last block). */
export function oddK(opset: number): TestModel {
  const g = graph({
    nodes: [node('MatMul', ['x', 'odd.weight'], ['y'])],
    initializers: [w('odd.weight', [99, 40], 99)],
    inputs: [tensorValue('x', DataType.FLOAT, [3, 99])],
    outputs: [tensorValue('y', DataType.FLOAT, [3, 40])],
  });
  return { name: 'odd-k', bytes: model(opset, g), feeds: { x: input('odd', [3, 99]) }, channelAxes: { 'odd.weight': 1 }, blockAxes: { 'odd.weight': 0 } };
}
