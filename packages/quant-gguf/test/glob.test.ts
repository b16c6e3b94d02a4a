import { describe, expect, it } from 'vitest';
import { globPattern } from '../src/requantize/glob.js';

const matches = (glob: string, name: string): boolean => globPattern(glob).test(name);

describe('--type-for globs', () => {
  it('match the whole name; * crosses dots, ? is one character', () => {
    expect(matches('*attn_v*', 'blk.12.attn_v.weight')).toBe(true);
    expect(matches('attn_v', 'blk.12.attn_v.weight')).toBe(false);
    expect(matches('blk.?.attn_v.weight', 'blk.3.attn_v.weight')).toBe(true);
    expect(matches('blk.?.attn_v.weight', 'blk.12.attn_v.weight')).toBe(false);
    expect(matches('blk.*.weight', 'blk.0.ffn_down.weight')).toBe(true);
  });

  it('classes: ranges, negation with ! or ^, a leading ] taken literally', () => {
    expect(matches('blk.[0-3].*', 'blk.2.attn_q.weight')).toBe(true);
    expect(matches('blk.[0-3].*', 'blk.4.attn_q.weight')).toBe(false);
    expect(matches('blk.[!0-3].*', 'blk.4.attn_q.weight')).toBe(true);
    expect(matches('blk.[^0-3].*', 'blk.0.attn_q.weight')).toBe(false);
    expect(matches('a[]]b', 'a]b')).toBe(true);
    expect(matches('a[[]b', 'a[b')).toBe(true);
  });

  it('every other character is literal: dots and regular-expression syntax', () => {
    expect(matches('blk.0.attn_q.weight', 'blk.0.attn_q.weight')).toBe(true);
    expect(matches('blk.0.attn_q.weight', 'blkx0xattn_qxweight')).toBe(false);
    for (const name of ['a+b', 'a(b)', 'a|b', 'a$b', 'a^b', 'a{2}', 'a\\b']) expect(matches(name, name), name).toBe(true);
    expect(matches('a+b', 'aab')).toBe(false);
    expect(matches('a|b', 'a')).toBe(false);
  });

  it('an empty glob, an unclosed [ or a reversed range: E_GGUF_OPTION', () => {
    for (const glob of ['', 'blk.[0-3', 'blk.[3-0].*']) expect(() => globPattern(glob), glob).toThrow(expect.objectContaining({ code: 'E_GGUF_OPTION' }));
  });
});
