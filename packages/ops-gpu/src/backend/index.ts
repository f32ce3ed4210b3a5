/**
 * Execution backends behind one interface, registered by name, with a content-keyed session
 * cache. Environment-neutral: Node backends live in `./node.js`, browser ones in `./web.js`.
 */
export {
  BackendUnavailableError,
  isDeviceTensor,
  type Availability,
  type Backend,
  type DeviceTensor,
  type Feed,
  type Session,
  type SessionOptions,
} from './types.js';
export { autoBackendOrder, backendNames, getBackend, registerBackend, resolveBackend, setAutoOrder } from './registry.js';
export { modelHash, openSession, SessionCache, sessionCache } from './session-cache.js';
export { OrtSession, type OrtApi } from './ort-session.js';
