import { ggmlTypeInfo, type GgufMetadata, type GgufTensorInfo, type GgufValue } from '../../src/index.js';

/** Tensor infos without data, for the type rules (offsets are not looked at). */
export function info(name: string, shape: number[], typeId = 1): GgufTensorInfo {
  const elements = shape.reduce((a, b) => a * b, 1);
  const t = ggmlTypeInfo(typeId)!;
  return { name, shape, typeId, type: t, offset: 0, fileOffset: 0, byteLength: (elements / t.blockSize) * t.typeSize, elements };
}

export interface LlamaNames {
  readonly layers: number;
  readonly ffnDownRow?: number;
  readonly tied?: boolean;
  readonly experts?: boolean;
}

/** The standard tensor names of a llama-like model with `layers` blocks (row length 4096). */
export function llamaInfos({ layers, ffnDownRow = 11008, tied = false, experts = false }: LlamaNames): GgufTensorInfo[] {
  const out = [info('token_embd.weight', [4096, 32000])];
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    out.push(info(`${p}attn_norm.weight`, [4096], 0));
    for (const n of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) out.push(info(`${p}${n}.weight`, [4096, 1024]));
    out.push(info(`${p}ffn_norm.weight`, [4096], 0));
    if (experts) {
      out.push(info(`${p}ffn_gate_inp.weight`, [4096, 8], 0));
      for (const n of ['ffn_up_exps', 'ffn_gate_exps']) out.push(info(`${p}${n}.weight`, [4096, 14336, 8]));
      out.push(info(`${p}ffn_down_exps.weight`, [14336, 4096, 8]));
    } else {
      for (const n of ['ffn_up', 'ffn_gate']) out.push(info(`${p}${n}.weight`, [4096, ffnDownRow]));
      out.push(info(`${p}ffn_down.weight`, [ffnDownRow, 4096]));
    }
  }
  out.push(info('output_norm.weight', [4096], 0));
  if (!tied) out.push(info('output.weight', [4096, 32000]));
  return out;
}

export function llamaMetadata(o: { arch?: string; layers: number; heads?: number; kvHeads?: number; experts?: number }): GgufMetadata {
  const arch = o.arch ?? 'llama';
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const m: GgufMetadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: arch }],
    [`${arch}.block_count`, u32(o.layers)],
    [`${arch}.attention.head_count`, u32(o.heads ?? 32)],
    [`${arch}.attention.head_count_kv`, u32(o.kvHeads ?? 8)],
  ]);
  if (o.experts !== undefined) m.set(`${arch}.expert_count`, u32(o.experts));
  return m;
}
