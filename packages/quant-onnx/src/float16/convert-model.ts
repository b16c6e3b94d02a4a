import { clone, create } from '@bufbuild/protobuf';
import { littleEndianBytes } from '../little-endian.js';
import { forEachGraph } from '../graph-walk.js';
import { DataType, TensorProtoSchema, type GraphProto, type ModelProto, type TensorProto } from '../onnx.js';
import { replaceInitializer } from '../replace-initializer.js';
import { isExternal, type TensorData, type TensorSink } from '../tensor-data.js';
import { UniqueNames } from '../unique-names.js';
import { float32Values, shapeOf } from '../weight-values.js';
import { convertGraph, type GraphConversion } from './convert-graph.js';
import { halfTensorOf, toHalfBits } from './half-values.js';

/** What the float16 conversion did (the report's `float16`). */
export interface Float16Report {
  /** float32 initializers written as float16. */
  readonly initializers: number;
  /** Constant / ConstantOfShape values written as float16. */
  readonly constants: number;
  /** Finite values beyond ±65504 written as ±65504 (instead of ±Infinity). */
  readonly saturated: number;
  /** Nodes left in float32 between Casts ("op 'name'"; keep-float32.ts has the rule). */
  readonly keptFloat32: readonly string[];
  /** Cast nodes written (graph inputs and outputs, nodes kept float32). */
  readonly casts: number;
}

/**
 * Converts a decoded model's graph to float16 in place (docs/ONNX.md "Float16"). Initializers inside the model are
 * converted at once; external ones stay references to the input's float32 data until `finish` (or until a mode after
 * the conversion reads them through `data`, which hands out their float16 payload), so memory holds about one tensor.
 */
export class Float16Conversion {
  /** Reads tensors as the converted model has them: external float16 initializers converted from their float32 data. */
  readonly data: TensorData;
  private readonly pending = new Map<TensorProto, TensorProto>();
  /** Each converted initializer and the graph that owns it. */
  private readonly converted = new Map<TensorProto, GraphProto>();
  private readonly graphConversion: GraphConversion;
  private saturated = 0;

  constructor(
    private readonly model: ModelProto,
    private readonly source: TensorData,
  ) {
    const graph = model.graph!;
    this.graphConversion = convertGraph(graph, new UniqueNames(graph));
    this.saturated = this.graphConversion.saturated;
    for (const { tensor: t, graph: owner } of this.graphConversion.initializers) {
      let half: TensorProto;
      if (isExternal(t)) {
        half = clone(TensorProtoSchema, t);
        half.dataType = DataType.FLOAT16;
        this.pending.set(half, t);
      } else {
        const made = halfTensorOf(t, source);
        half = made.tensor;
        this.saturated += made.saturated;
      }
      replaceInitializer(owner, t, [half]);
      this.converted.set(half, owner);
    }
    this.data = {
      externalBytes: (t) => {
        const original = this.pending.get(t);
        return original === undefined ? source.externalBytes(t) : this.halfPayload(original, source);
      },
    };
  }

  private halfPayload(original: TensorProto, source: TensorData): Uint8Array {
    const count = shapeOf(original).reduce((p, d) => p * d, 1);
    const { bits, saturated } = toHalfBits(float32Values(original, count, source));
    this.saturated += saturated;
    return littleEndianBytes(bits);
  }

  /** Writes the converted initializers still in the graph through `sink` (external ones read and converted now). */
  finish(sink: TensorSink): Float16Report {
    const present = new Set<TensorProto>();
    forEachGraph(this.model.graph!, (g) => g.initializer.forEach((t) => present.add(t)));
    for (const [half, graph] of this.converted) {
      if (!present.has(half)) continue; // rewritten by a mode after the conversion (q4f16's MatMul weights)
      const original = this.pending.get(half);
      let stored = half;
      if (original !== undefined) {
        stored = create(TensorProtoSchema, { name: half.name, dims: [...half.dims], dataType: half.dataType, docString: half.docString, rawData: this.halfPayload(original, this.source) });
        replaceInitializer(graph, half, [stored]);
      }
      sink.store(stored);
    }
    const { constants, keptFloat32, casts } = this.graphConversion;
    return { initializers: this.converted.size, constants, saturated: this.saturated, keptFloat32, casts };
  }
}
