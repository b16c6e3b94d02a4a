import { create } from '@bufbuild/protobuf';
import { OnnxError, OnnxErrorCodes } from '../errors.js';
import { AttributeProtoSchema, AttributeType, DataType, NodeProtoSchema, type GraphProto, type NodeProto, type TensorProto } from '../onnx.js';
import type { ValueInfoProto } from '../generated/onnx_pb.js';
import type { UniqueNames } from '../unique-names.js';
import { constantType, controlFlowOutputTypes, declaredType, hasSubgraph, inferElementTypes, outputTypes, subgraphs, type GraphTypes } from './element-types.js';
import { halveAttributes } from './halve-attributes.js';
import { keepsFloat32 } from './keep-float32.js';

/*
 * The float16 graph of a float32 graph, in the manner of onnxconverter-common's convert_float_to_float16 with
 * keep_io_types: every float32 value becomes float16 (initializers and Constant values rounded to nearest even),
 * except the graph's inputs and outputs, which stay float32 behind a Cast, and the nodes keep-float32.ts keeps, which
 * get Casts around them. A float32 initializer (or Constant) read only by nodes kept in float32 stays float32.
 * Subgraphs (If branches, Loop and Scan bodies) are converted like the graph, their float inputs and outputs becoming
 * float16 (what their node passes and receives).
 */

export interface GraphConversion {
  /** Initializers to convert (float32 -> float16 payloads), with their graph: the caller converts them (maybe external). */
  readonly initializers: { readonly tensor: TensorProto; readonly graph: GraphProto }[];
  /** Constant-node and attribute tensors converted in place. */
  readonly constants: number;
  /** Values of constants that saturated to ±65504. */
  readonly saturated: number;
  /** Nodes left in float32 ("op 'name'"). */
  readonly keptFloat32: string[];
  /** Cast nodes written. */
  readonly casts: number;
}

const isFloat = (t: DataType | undefined) => t === DataType.FLOAT;

function label(node: NodeProto, index: number): string {
  return `${node.opType} '${node.name !== '' ? node.name : `#${index}`}'`;
}

function castNode(input: string, output: string, to: DataType, name: string): NodeProto {
  const attribute = create(AttributeProtoSchema, { name: 'to', type: AttributeType.INT, i: BigInt(to) });
  return create(NodeProtoSchema, { opType: 'Cast', input: [input], output: [output], name, attribute: [attribute] });
}

type TypeOf = (name: string) => DataType | undefined;

/** What one graph's conversion shares with the graphs inside it. */
interface Context {
  readonly names: UniqueNames;
  readonly original: GraphTypes;
  readonly initializers: { readonly tensor: TensorProto; readonly graph: GraphProto }[];
  readonly keptFloat32: string[];
  constants: number;
  saturated: number;
  casts: number;
}

/** Every name read inside a node's subgraphs (outer-scope reads included). */
function namesReadInside(node: NodeProto): Set<string> {
  const read = new Set<string>();
  const visit = (g: GraphProto) => {
    for (const n of g.node) {
      for (const name of n.input) read.add(name);
      for (const sub of subgraphs(n)) visit(sub.graph);
    }
  };
  for (const sub of subgraphs(node)) visit(sub.graph);
  return read;
}

function setElemType(v: ValueInfoProto, type: DataType): void {
  const tt = v.type?.value;
  if (tt?.case === 'tensorType') tt.value.elemType = type;
}

/**
 * Converts one graph: `outerOriginal` / `outerTypes` give the types of the enclosing graphs' values (before / after),
 * `path` names the graph in messages. A subgraph's float inputs and outputs become float16 (its parent passes float16);
 * the top-level graph's keep float32 behind Casts (done by the caller).
 */
function convertOne(graph: GraphProto, ctx: Context, outerOriginal: TypeOf, outerTypes: TypeOf, topLevel: boolean): Map<string, DataType> {
  const own = ctx.original.get(graph)!;
  const original: TypeOf = (name) => own.get(name) ?? outerOriginal(name);
  const inputs = new Set(graph.input.map((v) => v.name));
  const readers = new Map<string, NodeProto[]>();
  const readInside = new Set<string>();
  for (const node of graph.node) {
    for (const name of node.input) if (name !== '') readers.set(name, [...(readers.get(name) ?? []), node]);
    for (const name of namesReadInside(node)) readInside.add(name);
  }

  // Nodes kept float32: the listed ones, those whose output types only a value_info gives, then Constants whose every
  // reader is kept (a float32 constant then needs no Cast).
  const kept = new Set(graph.node.filter(keepsFloat32));
  graph.node.forEach((node, i) => {
    if (hasSubgraph(node)) {
      if (kept.has(node) || controlFlowOutputTypes(node, () => undefined) === undefined) {
        throw new OnnxError(OnnxErrorCodes.FLOAT16, `${label(node, i)} holds a subgraph the float16 conversion does not know how to convert (If, Loop and Scan are converted)`);
      }
      return;
    }
    const inferred = outputTypes(node, (k) => original(node.input[k] ?? ''));
    if (node.output.some((name, k) => name !== '' && inferred[k] === undefined)) kept.add(node);
  });
  const readByConverted = (name: string) => readInside.has(name) || (readers.get(name) ?? []).some((r) => !kept.has(r));
  for (const node of graph.node) if (node.opType === 'Constant' && isFloat(constantType(node)) && !readByConverted(node.output[0]!)) kept.add(node);
  // Named by their position in the input graph.
  graph.node.forEach((node, i) => kept.has(node) && node.opType !== 'Constant' && ctx.keptFloat32.push(label(node, i)));

  const types = new Map<string, DataType>();
  const typeOf: TypeOf = (name) => types.get(name) ?? outerTypes(name);
  for (const v of graph.input) {
    const t = own.get(v.name);
    if (t === undefined) continue;
    // A subgraph's float inputs are float16 now (its parent passes float16 values).
    if (!topLevel && isFloat(t)) {
      setElemType(v, DataType.FLOAT16);
      types.set(v.name, DataType.FLOAT16);
    } else types.set(v.name, t);
  }
  for (const t of graph.initializer) {
    if (inputs.has(t.name)) continue;
    const halve = isFloat(t.dataType) && readByConverted(t.name);
    if (halve) ctx.initializers.push({ tensor: t, graph });
    types.set(t.name, halve ? DataType.FLOAT16 : t.dataType);
  }

  const castOf = new Map<string, string>();
  const out: NodeProto[] = [];
  const want = (name: string, type: DataType) => {
    if (typeOf(name) === type) return name;
    const key = `${name}\u0000${type}`;
    let cast = castOf.get(key);
    if (cast === undefined) {
      const suffix = type === DataType.FLOAT16 ? 'fp16' : 'fp32';
      cast = ctx.names.claim(`${name}_${suffix}`);
      out.push(castNode(name, cast, type, ctx.names.claim(`${name}_cast_${suffix}`)));
      types.set(cast, type);
      castOf.set(key, cast);
      ctx.casts++;
    }
    return cast;
  };

  for (const node of graph.node) {
    const keep = kept.has(node);
    node.input = node.input.map((name) => (name === '' || !isFloat(original(name)) ? name : want(name, keep ? DataType.FLOAT : DataType.FLOAT16)));
    if (keep) {
      for (const name of node.output) if (own.has(name)) types.set(name, own.get(name)!);
      out.push(node);
      continue;
    }
    if ((node.opType === 'Constant' || node.opType === 'ConstantOfShape') && isFloat(own.get(node.output[0] ?? ''))) ctx.constants++;
    ctx.saturated += halveAttributes(node);
    let inferred: (DataType | undefined)[];
    if (hasSubgraph(node)) {
      const inner = new Map<GraphProto, Map<string, DataType>>();
      for (const sub of subgraphs(node)) inner.set(sub.graph, convertOne(sub.graph, ctx, original, typeOf, false));
      inferred = controlFlowOutputTypes(node, (g, name) => inner.get(g)?.get(name) ?? typeOf(name)) ?? [];
    } else inferred = outputTypes(node, (i) => typeOf(node.input[i] ?? ''));
    node.output.forEach((name, i) => {
      if (name === '') return;
      const t = inferred[i];
      if (t === undefined) throw new OnnxError(OnnxErrorCodes.FLOAT16, `cannot tell the float16 type of '${name}' (output ${i} of ${node.opType})`);
      types.set(name, t);
    });
    out.push(node);
  }

  // A subgraph's float outputs are float16 (a value that is float32 here - an outer input, a kept node's - is cast).
  if (!topLevel) {
    for (const v of graph.output) {
      if (!isFloat(original(v.name))) continue;
      v.name = want(v.name, DataType.FLOAT16);
      setElemType(v, DataType.FLOAT16);
    }
  }
  graph.node = out;
  for (const v of graph.valueInfo) if (isFloat(declaredType(v)) && types.get(v.name) === DataType.FLOAT16) setElemType(v, DataType.FLOAT16);
  return types;
}

/** Replaces a value's name in a graph's nodes and in the graphs inside them (outer-scope reads). */
function renameReads(graph: GraphProto, from: string, to: string): void {
  for (const node of graph.node) {
    node.input = node.input.map((n) => (n === from ? to : n));
    for (const sub of subgraphs(node)) renameReads(sub.graph, from, to);
  }
}

/** Rewrites `graph` (the model's graph) into its float16 form; initializer payloads are left to the caller. */
export function convertGraph(graph: GraphProto, names: UniqueNames): GraphConversion {
  const original = inferElementTypes(graph);
  const all = [...original.values()].flatMap((m) => [...m.values()]);
  if (!all.some(isFloat)) {
    if (all.includes(DataType.FLOAT16)) throw new OnnxError(OnnxErrorCodes.ALREADY_FLOAT16, 'the model has no float32 tensor to convert: it is float16 already');
    throw new OnnxError(OnnxErrorCodes.NOTHING_TO_QUANTIZE, 'the model has no float32 tensor to convert to float16');
  }
  const ctx: Context = { names, original, initializers: [], keptFloat32: [], constants: 0, saturated: 0, casts: 0 };
  const top = original.get(graph)!;
  const types = convertOne(graph, ctx, () => undefined, () => undefined, true);

  // Outputs stay float32: the float16 value gets a new name and a Cast gives the output its own name back.
  const done = new Set<string>();
  for (const output of graph.output) {
    const name = output.name;
    if (done.has(name) || !isFloat(top.get(name)) || types.get(name) !== DataType.FLOAT16) continue;
    done.add(name);
    const renamed = names.claim(`${name}_fp16`);
    renameReads(graph, name, renamed);
    for (const node of graph.node) node.output = node.output.map((n) => (n === name ? renamed : n));
    for (const t of graph.initializer) if (t.name === name) t.name = renamed;
    graph.node.push(castNode(renamed, name, DataType.FLOAT, names.claim(`${name}_cast_fp32`)));
    ctx.casts++;
  }
  const { initializers, constants, saturated, keptFloat32, casts } = ctx;
  return { initializers, constants, saturated, keptFloat32, casts };
}
