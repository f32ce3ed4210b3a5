import { describe, expect, it } from 'vitest';
import { Unifier } from './unify.js';

describe('Unifier', () => {
  it('binds flexible unknowns transitively', () => {
    const u = new Unifier();
    const a = u.flex();
    const b = u.flex();
    expect(u.unify(a, b)).toEqual({ ok: true });
    expect(u.unify(b, u.size(7, ''))).toEqual({ ok: true });
    expect(u.valueOf(a)).toBe(7);
    const r = u.unify(a, u.size(8, 'from x'));
    expect(r).toEqual({ ok: false, reason: '7 ≠ 8 (from x)' });
  });

  it('never equates two different rigid unknowns, but lets one take a known size', () => {
    const u = new Unifier();
    const g1 = u.rigid('numWs of g1');
    const g2 = u.rigid('numWs of g2');
    expect(u.unify(g1, g2)).toEqual({ ok: false, reason: 'numWs of g1 and numWs of g2 are not known to be equal' });
    expect(u.unify(g1, g1)).toEqual({ ok: true });
    expect(u.unify(g1, u.size(10, ''))).toEqual({ ok: true });
    expect(u.unify(g1, u.size(14, '')).ok).toBe(false);
    expect(u.show(u.flex())).toBe('?');
  });
});
