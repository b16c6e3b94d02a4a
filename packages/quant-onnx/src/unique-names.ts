import { forEachGraph } from './graph-walk.js';
import type { GraphProto } from './onnx.js';

/**
 * Hands out names no graph of the model uses yet: values and nodes of every graph and subgraph share one set, since a
 * subgraph sees its parents' names and a new name must not shadow or capture one of them.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(root: GraphProto) {
    forEachGraph(root, (graph) => {
      for (const t of graph.initializer) this.taken.add(t.name);
      for (const s of graph.sparseInitializer) if (s.values !== undefined) this.taken.add(s.values.name);
      for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) this.taken.add(v.name);
      for (const node of graph.node) {
        this.taken.add(node.name);
        for (const name of [...node.input, ...node.output]) this.taken.add(name);
      }
    });
  }

  /** `base` if it is free, else `base_1`, `base_2`, ...; the name returned is then taken. */
  claim(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}
