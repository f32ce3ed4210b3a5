/**
 * The compute of a CLI run or a server: onnxruntime-node's providers, `auto` picking the best
 * available. A backend that cannot run here is a usage error naming the install step.
 */
import { BackendUnavailableError, type Compute } from '@stylegraph/ops-gpu';
import { createNodeCompute } from '@stylegraph/ops-gpu/node';
import { UsageError } from '../graph-file.js';

/** The view of `compute` on backend `name` (or `auto`), checked to run here. */
export async function usableCompute(compute: Compute, name: string): Promise<Compute> {
  const view = compute.withBackend(name);
  try {
    await view.resolve();
    return view;
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`--backend ${name}: ${e.message}`);
    throw e;
  }
}

/** A new Node compute on backend `name`, checked to run here. */
export const nodeCompute = (name: string): Promise<Compute> => usableCompute(createNodeCompute(), name);
