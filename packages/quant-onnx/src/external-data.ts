import { OnnxError, OnnxErrorCodes } from './errors.js';
import { subgraphsOf } from './graph-walk.js';
import { DataLocation, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type SparseTensorProto, type TensorProto } from './onnx.js';

/**
 * Refuses a model that keeps any tensor's data in an external file: reading and writing those files is a later step,
 * and quantizing the rest while leaving such references behind would produce a model that points at the wrong data.
 */
export function refuseExternalData(model: ModelProto): void {
  const external = findExternalTensor(model);
  if (external === undefined) return;
  throw new OnnxError(
    OnnxErrorCodes.EXTERNAL_DATA,
    `the model stores tensor data in external files (tensor '${external}', data_location EXTERNAL); models with external data are not supported yet`,
  );
}

function isExternal(t: TensorProto): boolean {
  return t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0;
}

function sparseIsExternal(s: SparseTensorProto): boolean {
  return (s.values !== undefined && isExternal(s.values)) || (s.indices !== undefined && isExternal(s.indices));
}

function attributeIsExternal(a: AttributeProto): boolean {
  if (a.t !== undefined && isExternal(a.t)) return true;
  if (a.sparseTensor !== undefined && sparseIsExternal(a.sparseTensor)) return true;
  return a.tensors.some(isExternal) || a.sparseTensors.some(sparseIsExternal);
}

/** Node attributes (constants), and the graphs they hold, recursively. */
function nodesHaveExternal(nodes: readonly NodeProto[]): string | undefined {
  for (const [i, node] of nodes.entries()) {
    if (node.attribute.some(attributeIsExternal)) return `${node.name !== '' ? node.name : `${node.opType}#${i}`} (attribute)`;
    for (const sub of subgraphsOf(node, i)) {
      const inside = graphHasExternal(sub.graph);
      if (inside !== undefined) return inside;
    }
  }
  return undefined;
}

function graphHasExternal(graph: GraphProto): string | undefined {
  const sparse = graph.sparseInitializer.find(sparseIsExternal);
  if (sparse !== undefined) return sparse.values?.name ?? 'sparse initializer';
  return graph.initializer.find(isExternal)?.name ?? nodesHaveExternal(graph.node);
}

/** The name of the first tensor anywhere in the model whose data is external, if any. */
function findExternalTensor(model: ModelProto): string | undefined {
  if (model.graph !== undefined) {
    const inGraph = graphHasExternal(model.graph);
    if (inGraph !== undefined) return inGraph;
  }
  for (const fn of model.functions) {
    const inFunction = nodesHaveExternal(fn.node);
    if (inFunction !== undefined) return inFunction;
  }
  for (const info of model.trainingInfo) {
    for (const graph of [info.initialization, info.algorithm]) {
      const inTraining = graph === undefined ? undefined : graphHasExternal(graph);
      if (inTraining !== undefined) return inTraining;
    }
  }
  return undefined;
}
