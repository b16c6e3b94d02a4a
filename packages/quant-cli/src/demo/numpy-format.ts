/*
 * Printing numbers the way numpy and Python do, so `quant demo` reads like the notebook it reproduces.
 * Follows numpy/core/arrayprint.py (FloatingFormat with floatmode 'maxprec', precision 8, linewidth 75, legacy off)
 * for 1-D arrays, and Python's float repr for scalars.
 */

export type Precision = 'float64' | 'float32';

/** Shortest decimal digits that read back as `v` in the given precision, as (digits, decimal point position). */
function shortest(v: number, precision: Precision): { digits: string; point: number } {
  const a = Math.abs(v);
  if (a === 0) return { digits: '', point: 1 };
  let s = a.toExponential();
  if (precision === 'float32') {
    for (let p = 1; p <= 9; p++) {
      const t = a.toExponential(p - 1);
      if (Math.fround(Number(t)) === a) {
        s = t;
        break;
      }
    }
  }
  return split(s);
}

/** "1.2345e+2" -> digits "12345", point 3 (value = 0.12345 * 10^3); trailing zeros dropped. */
function split(exponential: string): { digits: string; point: number } {
  const [mantissa, exp] = exponential.split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { digits, point: Number(exp) + 1 };
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : '';
}

/** Positional form with at most `maxFraction` fraction digits (rounded), trailing zeros trimmed, '.' kept. */
export function positional(v: number, precision: Precision, maxFraction = 8): string {
  let { digits, point } = shortest(v, precision);
  if (digits.length - point > maxFraction) ({ digits, point } = split(Number(Math.abs(v).toFixed(maxFraction)).toExponential()));
  if (digits === '') return `${sign(v)}0.`;
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = `${digits}${'0'.repeat(point - digits.length)}.`;
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign(v) + body;
}

/** Scientific form with at most `maxFraction` mantissa fraction digits: "1.5e+02". */
function scientific(v: number, precision: Precision, maxFraction = 8): { mantissa: string; exponent: number } {
  let { digits, point } = shortest(v, precision);
  if (digits.length > maxFraction + 1) ({ digits, point } = split(Math.abs(v).toExponential(maxFraction)));
  if (digits === '') return { mantissa: `${sign(v)}0.`, exponent: 0 };
  return { mantissa: `${sign(v)}${digits[0]}.${digits.slice(1)}`, exponent: point - 1 };
}

function exponentText(e: number, width: number): string {
  return `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(width, '0')}`;
}

/** Formats each element as numpy's FloatingFormat would for this array (shared padding, shared notation). */
export function formatElements(values: ArrayLike<number>, precision: Precision): string[] {
  const all = Array.from(values);
  const finite = all.filter(Number.isFinite);
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    expFormat = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  let format: (v: number) => string;
  let width: number;
  if (expFormat) {
    const parts = finite.map((v) => scientific(v, precision));
    const fraction = Math.max(...parts.map((p) => p.mantissa.split('.')[1]!.length));
    const left = Math.max(...parts.map((p) => p.mantissa.split('.')[0]!.length));
    const expWidth = Math.max(2, ...parts.map((p) => String(Math.abs(p.exponent)).length));
    format = (v) => {
      const p = scientific(v, precision);
      const [int, frac] = p.mantissa.split('.') as [string, string];
      return `${int.padStart(left)}.${frac.padEnd(fraction, '0')}${exponentText(p.exponent, expWidth)}`;
    };
    width = left + 1 + fraction + 2 + expWidth;
  } else {
    const parts = finite.map((v) => positional(v, precision).split('.') as [string, string]);
    const left = parts.length ? Math.max(...parts.map((p) => p[0].length)) : 0;
    const right = parts.length ? Math.max(...parts.map((p) => p[1].length)) : 0;
    format = (v) => {
      const [int, frac] = positional(v, precision).split('.') as [string, string];
      return `${int.padStart(left)}.${frac.padEnd(right)}`;
    };
    width = left + 1 + right;
  }
  return all.map((v) => (Number.isFinite(v) ? format(v) : (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf').padStart(width)));
}

/** str() of a 1-D numpy array: elements separated by spaces, wrapped at 75 columns with a one-space hanging indent. */
export function formatArray(values: ArrayLike<number>, precision: Precision): string {
  const words = formatElements(values, precision);
  if (words.length === 0) return '[]';
  const lineWidth = 75 - 1; // room for the closing ']'
  let s = '';
  let line = ' ';
  words.forEach((word, i) => {
    if (line.length + word.length > lineWidth && line.length > 1) {
      s += `${line.trimEnd()}\n`;
      line = ' ';
    }
    line += word;
    if (i < words.length - 1) line += ' ';
  });
  s += line;
  return `[${s.slice(1)}]`;
}

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on. */
export function pythonFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const { digits, point } = shortest(v, 'float64');
  if (digits === '') return `${sign(v)}0.0`;
  if (point <= -4 || point > 16) {
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign(v)}${mantissa}${exponentText(point - 1, 2)}`;
  }
  const p = positional(v, 'float64', 17);
  return p.endsWith('.') ? `${p}0` : p;
}

/** np.round(x, decimals) for a float array: multiply by 10^d, round half to even, divide, in the array's precision. */
export function numpyRound(values: ArrayLike<number>, decimals: number, precision: Precision): number[] {
  const fl = precision === 'float32' ? Math.fround : (v: number) => v;
  const f = 10 ** decimals;
  return Array.from(values, (v) => {
    const y = fl(v * f);
    const r = Math.abs(y) < 4503599627370496 ? roundHalfEven(y) : y;
    return fl(r / f);
  });
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
