import { describe, expect, it } from 'vitest';
import { AssertionFailed, NodeError, isNodeError } from './context.js';

/** A NodeError as another copy of core defines it: its own class, the same global brand. */
class OtherCopyNodeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    (this as unknown as Record<symbol, unknown>)[Symbol.for('stylegraph.node-error')] = true;
  }
}

describe('isNodeError', () => {
  it('matches NodeErrors from this and other copies of core by brand and code', () => {
    expect(isNodeError(new NodeError('X', 'x'))).toBe(true);
    expect(isNodeError(new AssertionFailed('no'))).toBe(true);
    const other = new OtherCopyNodeError('wm/KEY_INVALID', 'bad key');
    expect(other instanceof NodeError).toBe(false);
    expect(isNodeError(other)).toBe(true);
  });

  it('does not take any error with a code for a node error', () => {
    expect(isNodeError(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe(false);
    expect(isNodeError({ code: 'X', message: 'x', [Symbol.for('stylegraph.node-error')]: true })).toBe(false);
    const noCode = new OtherCopyNodeError('', 'x');
    (noCode as { code: unknown }).code = 7;
    expect(isNodeError(noCode)).toBe(false);
  });
});
