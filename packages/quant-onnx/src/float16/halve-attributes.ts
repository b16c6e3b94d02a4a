import { create } from '@bufbuild/protobuf';
import { littleEndianBytes } from '../little-endian.js';
import { AttributeProtoSchema, AttributeType, DataType, TensorProtoSchema, type AttributeProto, type NodeProto, type TensorProto } from '../onnx.js';
import { toHalfBits } from './half-values.js';

/*
 * The attributes of a node converted to float16 that hold float32 data or name float32 as the output type: Constant's
 * value (value_float(s) become a float16 value tensor), ConstantOfShape's value (float32 0 by default: written), Cast's
 * to, EyeLike's and the Random operators' dtype.
 */

/** Converts a float32 attribute tensor in place; returns how many values saturated. */
function halveTensor(t: TensorProto): number {
  if (t.dataType !== DataType.FLOAT) return 0;
  const values = t.rawData.byteLength > 0 ? new Float32Array(t.rawData.slice().buffer) : Float32Array.from(t.floatData);
  const { bits, saturated } = toHalfBits(values);
  t.dataType = DataType.FLOAT16;
  t.floatData = [];
  t.rawData = littleEndianBytes(bits).slice();
  return saturated;
}

/** A converted node's attributes that name a float32 output type (Cast's to, Constant's value, ...) now name float16. */
export function halveAttributes(node: NodeProto): number {
  let saturated = 0;
  const setType = (name: string, whenAbsent: boolean) => {
    const a = node.attribute.find((x) => x.name === name);
    if (a === undefined) {
      if (whenAbsent) node.attribute.push(create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(DataType.FLOAT16) }));
    } else if (Number(a.i) === DataType.FLOAT) a.i = BigInt(DataType.FLOAT16);
  };
  switch (node.opType) {
    case 'Cast':
      setType('to', false);
      break;
    case 'EyeLike':
    case 'RandomNormalLike':
      setType('dtype', false);
      break;
    case 'RandomNormal':
    case 'RandomUniform':
      setType('dtype', true);
      break;
    case 'ConstantOfShape': {
      const value = node.attribute.find((a) => a.name === 'value');
      if (value?.t !== undefined) saturated += halveTensor(value.t);
      else node.attribute.push(valueAttribute([1], new Uint16Array(1))); // a one-element tensor, 0
      break;
    }
    case 'Constant': {
      const i = node.attribute.findIndex((a) => a.name === 'value_float' || a.name === 'value_floats');
      if (i >= 0) {
        const a = node.attribute[i]!;
        const scalar = a.name === 'value_float';
        const { bits, saturated: s } = toHalfBits(scalar ? Float32Array.of(a.f) : Float32Array.from(a.floats));
        saturated += s;
        node.attribute[i] = valueAttribute(scalar ? [] : [bits.length], bits);
      } else {
        const value = node.attribute.find((a) => a.name === 'value');
        if (value?.t !== undefined) saturated += halveTensor(value.t);
      }
      break;
    }
  }
  return saturated;
}

function valueAttribute(dims: number[], bits: Uint16Array): AttributeProto {
  const t = create(TensorProtoSchema, { dataType: DataType.FLOAT16, dims: dims.map(BigInt), rawData: littleEndianBytes(bits).slice() });
  return create(AttributeProtoSchema, { name: 'value', type: AttributeType.TENSOR, t });
}
