/**
 * Backends registered by name, and `auto`: the first backend of the environment's preference
 * order that reports itself available. Environment entries (node.ts, web.ts) register their
 * backends and set that order.
 */
import { BackendUnavailableError, type Backend } from './types.js';

const backends = new Map<string, Backend>();
let autoOrder: readonly string[] = ['cpu'];

/** Registers a backend under its name (replacing one of the same name). */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

/** Sets the order in which `auto` tries backends. */
export function setAutoOrder(names: readonly string[]): void {
  autoOrder = [...names];
}

export const autoBackendOrder = (): readonly string[] => autoOrder;
export const backendNames = (): string[] => [...backends.keys()];

/** A registered backend by name; throws naming the registered ones otherwise. */
export function getBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b) {
    const known = backendNames();
    throw new BackendUnavailableError(
      name,
      known.length
        ? `no backend of that name is registered (registered: ${known.join(', ')})`
        : 'no backends are registered; call registerNodeBackends() (Node) or registerWebBackends() (browser) first',
    );
  }
  return b;
}

/** Resolves a backend name, or `'auto'` to the best available one. */
export async function resolveBackend(name = 'auto'): Promise<Backend> {
  if (name !== 'auto') return getBackend(name);
  const reasons: string[] = [];
  for (const n of autoOrder) {
    const b = backends.get(n);
    if (!b) continue;
    const ok = await b.available();
    if (ok === true) return b;
    reasons.push(`${n}: ${ok}`);
  }
  throw new BackendUnavailableError('auto', reasons.length ? reasons.join('; ') : 'no backends are registered');
}
