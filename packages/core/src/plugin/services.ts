/**
 * Host services: what a host (CLI, server, browser, a queue worker) lends the nodes it runs —
 * the compute object above all. Core defines the seam and knows no service: a compute package
 * adds its own by declaration merging,
 *
 *   declare module '@stylegraph/core' { interface RunServices { compute: Compute } }
 *
 * and a node then calls `ctx.services.compute` with its types. A service whose results depend
 * on where it runs (a backend, a precision) says so with `cacheIdentity()`: the executor keys
 * the outputs of every node that used the service by that identity, so a graph re-run on
 * another backend recomputes those nodes (and what depends on them) instead of reusing them.
 */
import { NodeError } from './context.js';

// Extended by declaration merging; empty in core on purpose.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RunServices {}

/** What a service may implement so that cache keys tell its results apart. */
export interface ServiceIdentity {
  /** e.g. `"cpu/float32"`; resolved lazily (an `auto` backend is resolved on first use). */
  cacheIdentity(): string | Promise<string>;
}

const hasIdentity = (s: unknown): s is ServiceIdentity =>
  typeof s === 'object' && s !== null && typeof (s as Partial<ServiceIdentity>).cacheIdentity === 'function';

/** The services a node used in one run, by name, with their cache identities. */
export type ServiceUse = readonly (readonly [name: string, identity: string])[];

/** The identity a service contributes to cache keys ('' for one without `cacheIdentity`). */
export async function serviceIdentity(service: unknown): Promise<string> {
  return hasIdentity(service) ? String(await service.cacheIdentity()) : '';
}

/**
 * A view of the host's services for one node run that records which ones the node used;
 * reading a service the host does not provide fails with SERVICE_MISSING naming it.
 */
export function recordingServices(services: Readonly<Record<string, unknown>>, nodeType: string): { view: RunServices; used: () => Promise<ServiceUse> } {
  const used = new Set<string>();
  const view = new Proxy(Object.create(null) as object, {
    get(_t, name) {
      // Generic probes (`await`, JSON, inspection) are not service reads.
      if (typeof name !== 'string' || name === 'then' || name === 'toJSON') return undefined;
      if (!Object.hasOwn(services, name)) {
        const have = Object.keys(services);
        throw new NodeError('SERVICE_MISSING', `${nodeType} needs the host service "${name}", which this host does not provide (it provides: ${have.length ? have.join(', ') : 'none'})`);
      }
      used.add(name);
      return services[name];
    },
    // Asking whether a service exists is using it: a node that branches on it depends on it.
    has: (_t, name) => {
      if (typeof name !== 'string' || !Object.hasOwn(services, name)) return false;
      used.add(name);
      return true;
    },
  }) as RunServices;
  return { view, used: async () => Promise.all([...used].sort().map(async (n) => [n, await serviceIdentity(services[n])] as const)) };
}

/** Whether the services recorded for a cache entry have the same identities now. */
export async function sameServices(recorded: ServiceUse, services: Readonly<Record<string, unknown>>): Promise<boolean> {
  for (const [name, identity] of recorded) {
    if (!Object.hasOwn(services, name)) return false;
    if ((await serviceIdentity(services[name])) !== identity) return false;
  }
  return true;
}
