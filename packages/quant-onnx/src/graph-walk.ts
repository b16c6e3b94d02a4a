import type { GraphProto, NodeProto } from './onnx.js';

/** A subgraph held by a node attribute (If's then_branch/else_branch, Loop's and Scan's body, ...). */
export interface Subgraph {
  readonly graph: GraphProto;
  /** "<node name or op#index>.<attribute>[<i>]", to name where a weight lives. */
  readonly label: string;
}

/** Every GraphProto a node's attributes hold (`g` and `graphs`), in attribute order. */
export function subgraphsOf(node: NodeProto, nodeIndex: number): Subgraph[] {
  const found: Subgraph[] = [];
  const owner = node.name !== '' ? node.name : `${node.opType}#${nodeIndex}`;
  for (const attribute of node.attribute) {
    if (attribute.g !== undefined) found.push({ graph: attribute.g, label: `${owner}.${attribute.name}` });
    attribute.graphs.forEach((graph, i) => found.push({ graph, label: `${owner}.${attribute.name}[${i}]` }));
  }
  return found;
}

/** Visits a graph and every graph nested in it, depth first, parents before children. */
export function forEachGraph(root: GraphProto, visit: (graph: GraphProto, path: string) => void, path = 'graph'): void {
  visit(root, path);
  root.node.forEach((node, i) => {
    for (const sub of subgraphsOf(node, i)) forEachGraph(sub.graph, visit, `${path}/${sub.label}`);
  });
}
