/** Test helper: the CheckpointError a read ends with, as { code, message } (a read that succeeds fails the test). */
import { expect } from 'vitest';
import { CheckpointError } from '../import/errors.js';

export async function fails(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return { code: (e as CheckpointError).code, message: (e as Error).message };
  }
  throw new Error('loaded');
}
