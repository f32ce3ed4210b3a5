/**
 * The compute backend for a CLI run: onnxruntime-node's providers, `auto` picking the best
 * available. An unavailable backend is a usage error naming the install step.
 */
import { BackendUnavailableError, resolveBackend, type Backend } from '@stylegraph/ops-gpu';
import { registerNodeBackends } from '@stylegraph/ops-gpu/node';
import { UsageError } from '../graph-file.js';

let registered = false;

export async function cliBackend(name: string): Promise<Backend> {
  if (!registered) {
    registerNodeBackends();
    registered = true;
  }
  try {
    const backend = await resolveBackend(name);
    const ok = await backend.available();
    if (ok !== true) throw new BackendUnavailableError(backend.name, ok);
    return backend;
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`--backend ${name}: ${e.message}`);
    throw e;
  }
}
