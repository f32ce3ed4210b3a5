/**
 * Shape unification across a graph. Each dimension is a term: a known size, a flexible
 * unknown (bound by whatever it meets), or a rigid unknown — a size fixed by one particular
 * node (a loaded generator) whose value is not known statically. Two rigid unknowns from
 * different owners never unify: that is how a 64 px model's W+ wired into a 256 px model's
 * synthesis is caught before anything runs, even when neither model has been opened.
 */

export type Term =
  | { readonly kind: 'size'; readonly value: number; readonly origin: string }
  | { readonly kind: 'flex'; readonly id: number }
  | { readonly kind: 'rigid'; readonly id: number; readonly label: string };

export type UnifyResult = { ok: true } | { ok: false; reason: string };

export class Unifier {
  private readonly parent = new Map<Term, Term>();
  private next = 0;

  size(value: number, origin: string): Term {
    return { kind: 'size', value, origin };
  }

  flex(): Term {
    return { kind: 'flex', id: this.next++ };
  }

  rigid(label: string): Term {
    return { kind: 'rigid', id: this.next++, label };
  }

  find(t: Term): Term {
    const p = this.parent.get(t);
    if (!p) return t;
    const root = this.find(p);
    this.parent.set(t, root);
    return root;
  }

  /** Makes a and b the same dimension, or says why they cannot be. */
  unify(a: Term, b: Term): UnifyResult {
    const x = this.find(a);
    const y = this.find(b);
    if (x === y) return { ok: true };
    if (x.kind === 'flex') return this.link(x, y);
    if (y.kind === 'flex') return this.link(y, x);
    if (x.kind === 'size' && y.kind === 'size') {
      return x.value === y.value ? this.link(x, y) : { ok: false, reason: `${describe(x)} ≠ ${describe(y)}` };
    }
    if (x.kind === 'rigid' && y.kind === 'rigid') {
      return { ok: false, reason: `${x.label} and ${y.label} are not known to be equal` };
    }
    // A rigid unknown meeting a known size: from here on it is that size.
    return x.kind === 'rigid' ? this.link(x, y) : this.link(y, x);
  }

  /** The known size of a term, if any. */
  valueOf(t: Term): number | undefined {
    const r = this.find(t);
    return r.kind === 'size' ? r.value : undefined;
  }

  /** Human-readable: `64`, `numWs of node "gen"`, or `?`. */
  show(t: Term): string {
    return describe(this.find(t));
  }

  private link(from: Term, to: Term): UnifyResult {
    this.parent.set(from, to);
    return { ok: true };
  }
}

function describe(t: Term): string {
  switch (t.kind) {
    case 'size':
      return t.origin ? `${t.value} (${t.origin})` : String(t.value);
    case 'rigid':
      return t.label;
    case 'flex':
      return '?';
  }
}
