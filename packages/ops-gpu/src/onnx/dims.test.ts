import { describe, expect, it } from 'vitest';
import { broadcastShapes, dimAdd, dimDiv, dimEq, dimMul, normDim, numel } from './dims.js';

describe('symbolic dims', () => {
  it('canonicalizes products: coefficient first, symbols sorted', () => {
    expect(normDim('N*B*4')).toBe('4*B*N');
    expect(normDim('2*3')).toBe(6);
    expect(dimEq('B*N', 'N*B')).toBe(true);
    expect(() => normDim('B+1')).toThrow(/invalid symbolic dimension/);
    expect(() => normDim(-1)).toThrow(RangeError);
  });

  it('multiplies, divides exactly and adds like terms', () => {
    expect(dimMul('B', 4)).toBe('4*B');
    expect(dimDiv('4*B*N', 'B')).toBe('4*N');
    expect(dimDiv('4*B', 8)).toBeUndefined();
    expect(dimDiv('4*B', 'N')).toBeUndefined();
    expect(dimAdd('B', '2*B')).toBe('3*B');
    expect(dimAdd('B', 3)).toBeUndefined();
    expect(numel(['B', 3, 'N', 2])).toBe('6*B*N');
  });

  it('broadcasts like NumPy, with symbols matching only 1 or themselves', () => {
    expect(broadcastShapes([['B', 1, 4], [3, 1]])).toEqual(['B', 3, 4]);
    expect(broadcastShapes([['B'], ['N']])).toBeUndefined();
    expect(broadcastShapes([['B', 3], [2, 3]])).toBeUndefined();
    expect(broadcastShapes([[], [2]])).toEqual([2]);
  });
});
