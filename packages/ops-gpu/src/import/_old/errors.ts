/** Errors about checkpoints being imported, with a stable code. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly code: 'CHECKPOINT_FORMAT' | 'CHECKPOINT_UNSUPPORTED' | 'CHECKPOINT_STRUCTURE',
    message: string,
  ) {
    super(message);
  }
}
