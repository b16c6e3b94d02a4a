import { OnnxError, OnnxErrorCodes } from './errors.js';
import { subgraphsOf } from './graph-walk.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto } from './onnx.js';
import { isExternal } from './tensor-data.js';

/** An external_data entry's keys (onnx/external_data_helper.py): location, offset (default 0), length (default: to the end). */
export interface ExternalRef {
  readonly location: string;
  readonly offset: number;
  readonly length: number | undefined;
}

function count(t: TensorProto, key: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA, `external_data ${key} '${value}' is not a non-negative integer`, { tensor: t.name });
  }
  return Number(value);
}

export function externalRef(t: TensorProto): ExternalRef {
  const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (location === undefined || location === '') throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA, 'external data without a location', { tensor: t.name });
  const offset = entry('offset');
  const length = entry('length');
  return { location, offset: offset === undefined ? 0 : count(t, 'offset', offset), length: length === undefined ? undefined : count(t, 'length', length) };
}

function sparseIsExternal(s: SparseTensorProto): boolean {
  return (s.values !== undefined && isExternal(s.values)) || (s.indices !== undefined && isExternal(s.indices));
}

function attributeIsExternal(a: AttributeProto): boolean {
  if (a.t !== undefined && isExternal(a.t)) return true;
  if (a.sparseTensor !== undefined && sparseIsExternal(a.sparseTensor)) return true;
  return a.tensors.some(isExternal) || a.sparseTensors.some(sparseIsExternal);
}

/** A tensor outside graph initializers (node attribute, sparse initializer, function) whose data is external, if any. */
function unsupportedIn(nodes: readonly NodeProto[]): string | undefined {
  for (const [i, node] of nodes.entries()) {
    if (node.attribute.some(attributeIsExternal)) return `${node.name !== '' ? node.name : `${node.opType}#${i}`} (attribute)`;
    for (const sub of subgraphsOf(node, i)) {
      const inside = unsupportedInGraph(sub.graph);
      if (inside !== undefined) return inside;
    }
  }
  return undefined;
}

function unsupportedInGraph(graph: GraphProto): string | undefined {
  const sparse = graph.sparseInitializer.find(sparseIsExternal);
  if (sparse !== undefined) return `${sparse.values?.name ?? ''} (sparse initializer)`;
  return unsupportedIn(graph.node);
}

/**
 * Initializers of every graph (subgraphs included) may be external: they are read and written. External data anywhere
 * else (node attributes, sparse initializers, functions, training graphs) is refused, never silently dropped.
 */
export function refuseUnsupportedExternalData(model: ModelProto): void {
  let where = model.graph === undefined ? undefined : unsupportedInGraph(model.graph);
  for (const fn of model.functions) where ??= unsupportedIn(fn.node);
  for (const info of model.trainingInfo) {
    for (const graph of [info.initialization, info.algorithm]) {
      if (graph !== undefined && (graph.initializer.some(isExternal) || unsupportedInGraph(graph) !== undefined)) where ??= 'a training graph';
    }
  }
  if (where !== undefined) {
    throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA, `external data is supported in graph initializers only; '${where}' keeps its data in an external file`);
  }
}
