import { subgraphsOf } from './graph-walk.js';
import type { GraphProto, NodeProto, TensorProto } from './onnx.js';

/** One node input that reads an initializer. */
export interface InitializerUse {
  readonly node: NodeProto;
  /** The graph the node is in (the initializer's graph or a subgraph below it). */
  readonly graph: GraphProto;
  /** The node's position in its graph (names nameless nodes). */
  readonly nodeIndex: number;
  /** Which input slot reads the initializer. */
  readonly input: number;
}

/** An initializer with every node input that reads it, in its graph or in subgraphs below it. */
export interface InitializerUses {
  readonly tensor: TensorProto;
  /** The graph that owns the initializer (the DequantizeLinear goes there). */
  readonly graph: GraphProto;
  /** "graph", or "graph/<node>.<attribute>" for a subgraph. */
  readonly graphPath: string;
  /** Uses in depth-first order: a graph's nodes in order, each node's subgraphs right after its own inputs. */
  readonly uses: InitializerUse[];
  /** Also a graph input: a default the caller may override at run time. */
  readonly isGraphInput: boolean;
  /** Named as an output of its graph or of a subgraph. */
  isGraphOutput: boolean;
}

/**
 * Every initializer of a graph and of its subgraphs, with its uses. Scoping follows the ONNX IR: a subgraph sees the
 * names of its enclosing graphs unless it defines the same name itself (input, initializer or node output).
 */
export function findInitializers(root: GraphProto): InitializerUses[] {
  const found: InitializerUses[] = [];
  collect(root, 'graph', new Map(), found);
  return found;
}

function collect(graph: GraphProto, graphPath: string, outer: ReadonlyMap<string, InitializerUses>, found: InitializerUses[]): void {
  const scope = new Map(outer);
  for (const v of graph.input) scope.delete(v.name);
  for (const node of graph.node) for (const name of node.output) scope.delete(name);
  const inputs = new Set(graph.input.map((v) => v.name));
  for (const tensor of graph.initializer) {
    const entry: InitializerUses = { tensor, graph, graphPath, uses: [], isGraphInput: inputs.has(tensor.name), isGraphOutput: false };
    scope.set(tensor.name, entry);
    found.push(entry);
  }
  graph.node.forEach((node, nodeIndex) => {
    node.input.forEach((name, input) => scope.get(name)?.uses.push({ node, graph, nodeIndex, input }));
    for (const sub of subgraphsOf(node, nodeIndex)) collect(sub.graph, `${graphPath}/${sub.label}`, scope, found);
  });
  for (const v of graph.output) {
    const entry = scope.get(v.name);
    if (entry !== undefined) entry.isGraphOutput = true;
  }
}
