import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../src/cli/progress-line.js';
import type { GgufProgress } from '../src/index.js';

function fakeStream(): NodeJS.WriteStream & { text: string } {
  const s = { text: '', columns: 200, write: (chunk: string) => ((s.text += chunk), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const p = (over: Partial<GgufProgress>): GgufProgress => ({ index: 0, count: 3, name: 'blk.0.attn_q.weight', from: 'F16', to: 'Q4_K', action: 'quantize', bytesDone: 1 << 20, bytesTotal: 4 << 20, tensorDone: false, ...over });

describe('the progress line', () => {
  it('draws tensors, bytes, percentage and the current tensor; clear() erases it', () => {
    const s = fakeStream();
    const line = new ProgressLine(true, s);
    line.update(p({}));
    expect(s.text).toMatch(/^\r\x1b\[Ktensors 0\/3 {2}1\.0 MiB\/4\.0 MiB \(25%\) .* blk\.0\.attn_q\.weight F16->Q4_K$/);
    line.update(p({ index: 2, tensorDone: true, bytesDone: 4 << 20 }));
    expect(s.text).toContain('tensors 3/3  4.0 MiB/4.0 MiB (100%)');
    line.clear();
    expect(s.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('escapes control characters of names and draws nothing when disabled', () => {
    const s = fakeStream();
    new ProgressLine(true, s).update(p({ name: 'evil\x1b]0;title\x07' }));
    expect(s.text).toContain('evil\\x1b]0;title\\x07');
    const off = fakeStream();
    const line = new ProgressLine(false, off);
    line.update(p({}));
    line.clear();
    expect(off.text).toBe('');
  });
});
