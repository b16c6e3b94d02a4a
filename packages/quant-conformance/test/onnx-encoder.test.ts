import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, ProtoWriter, quantizeLinearModel, rawIntData } from '../src/index.js';

/** A minimal protobuf decoder for the test: field number -> list of raw values (varints as bigint, bytes as Uint8Array). */
function decode(bytes: Uint8Array): Map<number, (bigint | Uint8Array | number)[]> {
  const fields = new Map<number, (bigint | Uint8Array | number)[]>();
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    let value: bigint | Uint8Array | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = Number(varint());
      value = bytes.subarray(at, at + len);
      at += len;
    } else if (wire === 5) {
      value = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getFloat32(0, true);
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const text = (v: unknown) => new TextDecoder().decode(v as Uint8Array);

describe('protobuf writer', () => {
  it('encodes varints as in the protobuf encoding guide', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().int(1, 0).finish())).toEqual([0x08, 0x00]);
    expect(Array.from(new ProtoWriter().int(16, 1).finish())).toEqual([0x80, 0x01, 0x01]);
  });

  it('encodes negative int64 as ten bytes of two’s complement', () => {
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('encodes strings, bytes, floats and packed varints', () => {
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([0x12, 0x07, ...new TextEncoder().encode('testing')]);
    expect(Array.from(new ProtoWriter().float(1, 1.5).finish())).toEqual([0x0d, 0x00, 0x00, 0xc0, 0x3f]);
    expect(Array.from(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
  });

  it('encodes a 4-bit zero point packed, element 0 in the low nibble', () => {
    expect(Array.from(rawIntData('int4', [1, 2, 3, -8, -6]))).toEqual([0x21, 0x83, 0x0a]);
    expect(Array.from(rawIntData('uint2', [0, 1, 2, 3, 3]))).toEqual([0xe4, 0x03]);
    expect(Array.from(rawIntData('int16', [-2, 256]))).toEqual([0xfe, 0xff, 0x00, 0x01]);
  });
});

describe('ONNX model encoding', () => {
  it('lays out ModelProto / GraphProto / NodeProto / TensorProto / ValueInfoProto with onnx.proto field numbers', () => {
    const model = decode(
      quantizeLinearModel({ type: 'int4', shape: [2, 3], scale: Float32Array.of(0.5, 0.25), scaleShape: [2], zeroPoint: [1, -2], axis: 0 }),
    );
    expect(model.get(1)).toEqual([10n]); // ir_version
    const opset = decode(model.get(8)![0] as Uint8Array); // opset_import
    expect(opset.get(2)).toEqual([21n]);
    const graph = decode(model.get(7)![0] as Uint8Array);
    const nodes = graph.get(1)!.map((n) => decode(n as Uint8Array));
    expect(nodes.map((n) => text(n.get(4)![0]))).toEqual(['QuantizeLinear', 'Cast']); // op_type
    expect(nodes[0]!.get(1)!.map(text)).toEqual(['x', 'scale', 'zero_point']); // inputs
    const axis = decode(nodes[0]!.get(5)![0] as Uint8Array); // attribute
    expect(text(axis.get(1)![0])).toBe('axis');
    expect(axis.get(20)).toEqual([2n]); // type INT
    expect(axis.get(3)).toEqual([0n]);
    const castTo = decode(nodes[1]!.get(5)![0] as Uint8Array);
    expect(castTo.get(3)).toEqual([BigInt(DataType.INT8)]);
    const [scale, zp] = graph.get(5)!.map((t) => decode(t as Uint8Array)); // initializers
    expect(scale!.get(1)).toEqual([2n]); // dims
    expect(scale!.get(2)).toEqual([BigInt(DataType.FLOAT)]);
    expect(Array.from(new Float32Array((scale!.get(9)![0] as Uint8Array).slice().buffer))).toEqual([0.5, 0.25]);
    expect(zp!.get(2)).toEqual([BigInt(DataType.INT4)]);
    expect(Array.from(zp!.get(9)![0] as Uint8Array)).toEqual([0xe1]);
    const input = decode(graph.get(11)![0] as Uint8Array);
    expect(text(input.get(1)![0])).toBe('x');
    const tensorType = decode(decode(input.get(2)![0] as Uint8Array).get(1)![0] as Uint8Array);
    expect(tensorType.get(1)).toEqual([BigInt(DataType.FLOAT)]);
    const dims = decode(tensorType.get(2)![0] as Uint8Array).get(1)!.map((d) => decode(d as Uint8Array).get(1)![0]);
    expect(dims).toEqual([2n, 3n]);
  });

  it('writes the opset and IR version it is given', () => {
    const bytes = encodeModel({ irVersion: 13, opsetVersion: 25, graph: { name: 'g', nodes: [], inputs: [], outputs: [] } });
    const m = decode(bytes);
    expect(m.get(1)).toEqual([13n]);
    expect(decode(m.get(8)![0] as Uint8Array).get(2)).toEqual([25n]);
  });
});
