/** Test helper: the fidelity tests' error measure. */
import { expect } from 'vitest';
import type { Tensor } from '@stylegraph/core';

/** max |a − b| relative to max(1, max |b|); the shapes must agree. */
export function relErr(a: Tensor, b: Tensor): number {
  expect(a.dims).toEqual(b.dims);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.data.length; i++) {
    err = Math.max(err, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    scale = Math.max(scale, Math.abs(Number(b.data[i])));
  }
  return err / scale;
}
