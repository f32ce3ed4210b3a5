/**
 * Static shapes with symbolic dimensions.
 *
 * A dimension is either a number or a symbolic expression: a product of named symbols with an
 * optional integer coefficient, written canonically as `'B'`, `'B*N'` or `'4*B'` (coefficient
 * first, symbols sorted). Products of symbolic dims stay exact, so reshapes such as
 * `[B, 4, C] → [4*B, C]` and back keep their shapes checkable at build time.
 */

/** One dimension: a size, or a symbolic product such as `'B'` or `'4*B'`. */
export type Dim = number | string;
/** A static shape; symbolic dims are bound when the model runs. */
export type Shape = readonly Dim[];

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Monomial {
  readonly coef: number;
  readonly symbols: readonly string[]; // sorted, with repeats
}

function parse(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, symbols: [] };
  let coef = 1;
  const symbols: string[] = [];
  for (const raw of d.split('*')) {
    const f = raw.trim();
    if (/^\d+$/.test(f)) coef *= Number(f);
    else if (SYMBOL.test(f)) symbols.push(f);
    else throw new RangeError(`invalid symbolic dimension "${d}": factor "${f}" is neither an integer nor a name`);
  }
  return { coef, symbols: symbols.sort() };
}

function format(m: Monomial): Dim {
  if (m.symbols.length === 0 || m.coef === 0) return m.coef;
  const s = m.symbols.join('*');
  return m.coef === 1 ? s : `${m.coef}*${s}`;
}

/** Canonical form of a dimension (`'B*4'` → `'4*B'`, `'2'` → `2`). Throws on malformed input. */
export function normDim(d: Dim): Dim {
  if (typeof d === 'number') {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d}`);
    return d;
  }
  return format(parse(d));
}

export const isStaticDim = (d: Dim): d is number => typeof d === 'number';
export const isStaticShape = (s: Shape): s is readonly number[] => s.every(isStaticDim);
export const dimEq = (a: Dim, b: Dim): boolean => normDim(a) === normDim(b);
export const shapeEq = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => dimEq(d, b[i] as Dim));

/** Product of two dims. */
export function dimMul(a: Dim, b: Dim): Dim {
  const x = parse(a);
  const y = parse(b);
  return format({ coef: x.coef * y.coef, symbols: [...x.symbols, ...y.symbols].sort() });
}

/** Exact quotient `a / b`, or undefined when `b` does not divide `a`. */
export function dimDiv(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  if (y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  const rest = [...x.symbols];
  for (const s of y.symbols) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return format({ coef: x.coef / y.coef, symbols: rest });
}

/** Sum of two dims, when both are multiples of the same symbols (`'B' + 'B'` = `'2*B'`). */
export function dimAdd(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  if (x.coef === 0) return format(y);
  if (y.coef === 0) return format(x);
  if (x.symbols.join('*') !== y.symbols.join('*')) return undefined;
  return format({ coef: x.coef + y.coef, symbols: x.symbols });
}

/** Number of elements of a shape (symbolic when any dim is). */
export const numel = (s: Shape): Dim => s.reduce<Dim>((acc, d) => dimMul(acc, d), 1);

/** The symbols a dim depends on, with their multiplicity, and its integer coefficient. */
export function dimFactors(d: Dim): { coef: number; symbols: readonly string[] } {
  return parse(d);
}

export const shapeString = (s: Shape): string => `[${s.join(', ')}]`;

/**
 * NumPy broadcasting of several shapes; returns undefined when they are incompatible.
 * A symbolic dim broadcasts only against 1 or an identical expression.
 */
export function broadcastShapes(shapes: readonly Shape[]): Dim[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i];
      if (e === undefined || e === 1) continue;
      if (d === 1) d = normDim(e);
      else if (!dimEq(d, e)) return undefined;
    }
    out.push(d);
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank, or returns undefined if out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  if (!Number.isInteger(axis)) return undefined;
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
