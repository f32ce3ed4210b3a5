/**
 * The compute as a host service: with this package in a program, `ctx.services.compute` of
 * a running node is typed as a Compute (core's RunServices is extended by declaration merging).
 */
import type { Compute } from './compute.js';

declare module '@stylegraph/core' {
  interface RunServices {
    compute: Compute;
  }
}

/** The services this package defines. */
export interface ComputeServices {
  readonly compute: Compute;
}
