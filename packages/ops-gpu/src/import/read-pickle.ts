/**
 * A checkpoint pickle's top-level value through the restricted unpickler, with the errors of
 * checkpoint readers: wrong magic → CHECKPOINT_FORMAT; a refused global → CHECKPOINT_UNSUPPORTED
 * (naming it); anything malformed → CHECKPOINT_FORMAT.
 */
import { CheckpointError } from './errors.js';
import { UnpickleError, unpickle, type GlobalHandler, type PyValue } from './pickle.js';

export function readCheckpointPickle(
  bytes: Uint8Array,
  file: string,
  findGlobal: (module: string, name: string) => GlobalHandler | undefined,
  refuse: (module: string, name: string) => string | undefined,
): PyValue {
  if (bytes[0] !== 0x80 || (bytes[1] ?? 0) < 2 || (bytes[1] ?? 0) > 5) {
    throw new CheckpointError('CHECKPOINT_FORMAT', `${file}: not a Python pickle of protocol 2–5 (wrong magic bytes)`);
  }
  try {
    return unpickle(bytes, { file, findGlobal, refuse }).value;
  } catch (e) {
    if (e instanceof UnpickleError) throw new CheckpointError(e.code === 'PICKLE_GLOBAL_REFUSED' ? 'CHECKPOINT_UNSUPPORTED' : 'CHECKPOINT_FORMAT', e.message);
    throw e;
  }
}
