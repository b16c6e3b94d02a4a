import type { GraphProto, TensorProto } from './onnx.js';

/** Puts `added` where `tensor` was among the graph's initializers (order kept for diff-friendly output). */
export function replaceInitializer(graph: GraphProto, tensor: TensorProto, added: readonly TensorProto[]): void {
  graph.initializer.splice(graph.initializer.indexOf(tensor), 1, ...added);
}

/** Drops value_info entries of a name that no longer exists (its old type would contradict nothing, but is stale). */
export function forgetValueInfo(graph: GraphProto, name: string): void {
  graph.valueInfo = graph.valueInfo.filter((v) => v.name !== name);
}
