/**
 * The one compute of a server, shared by all its runs (each run takes the view on the backend
 * it asked for, so sessions and built models are shared across runs and backends). Made on
 * first use, so a server that only edits never starts onnxruntime.
 */
import type { Compute } from '@stylegraph/ops-gpu';

export interface ServerCompute {
  get(): Promise<Compute>;
  /** Releases the sessions of a compute this server made (one it was given stays its owner's). */
  close(): Promise<void>;
}

export function serverCompute(given?: Compute): ServerCompute {
  let made: Promise<Compute> | undefined;
  return {
    get: () => (given ? Promise.resolve(given) : (made ??= import('@stylegraph/ops-gpu/node').then((m) => m.createNodeCompute()))),
    close: async () => {
      await (await made?.catch(() => undefined))?.clear();
    },
  };
}
