/**
 * Execution backends behind one interface. Environment-neutral: Node backends live in
 * `./node.js`, browser ones in `./web.js`; a Compute (../compute/) owns a set of them.
 */
export {
  BackendUnavailableError,
  isDeviceTensor,
  type Availability,
  type Backend,
  type DeviceTensor,
  type Feed,
  type OrtMemorySettings,
  type Session,
  type SessionOptions,
} from './types.js';
export { OrtSession, type OrtApi } from './ort-session.js';
