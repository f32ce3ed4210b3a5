/**
 * How values travel between the host and an isolated plugin's process: small payloads inside the
 * message (structured clone, never JSON), payloads of LARGE_BYTES or more through a file in the
 * exchange folder — on tmpfs (/dev/shm) where there is one, so a copy through shared memory —
 * which the receiver reads once and removes.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inlineTransport, type ValueTransport } from '@stylegraph/core';

/** Payloads at least this large go through a file rather than the message. */
export const LARGE_BYTES = 256 * 1024;
/** The largest payload a file may hold (one tensor never needs more). */
export const MAX_FILE_BYTES = 8 * 2 ** 30;

const NAME = /^[0-9a-f]{24}\.bin$/;

export function fileTransport(exchangeDir: string): ValueTransport {
  return {
    toWire: async (kind, e, sizes) => {
      if (e.bytes.byteLength < LARGE_BYTES) return inlineTransport.toWire(kind, e, sizes);
      const file = join(exchangeDir, `${randomBytes(12).toString('hex')}.bin`);
      await writeFile(file, e.bytes, { flag: 'wx', mode: 0o600 });
      return { kind, header: e.header, file, ...(sizes && { sizes }) };
    },
    fromWire: async (w) => {
      if (w.file === undefined) return inlineTransport.fromWire(w);
      const file = String(w.file);
      // Only files this exchange made: a name, in the folder, nothing else.
      if (!file.startsWith(`${exchangeDir}/`) || !NAME.test(file.slice(exchangeDir.length + 1))) throw new Error('a transferred value names a file outside the exchange folder');
      try {
        // A plain file only (never through a link), of a size a value can have.
        const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          const st = await fh.stat();
          if (!st.isFile() || st.size > MAX_FILE_BYTES) throw new Error(`a transferred value's file is not a plain file of at most ${MAX_FILE_BYTES} bytes`);
          return { header: w.header, bytes: new Uint8Array(await fh.readFile()) };
        } finally {
          await fh.close();
        }
      } finally {
        await rm(file, { force: true });
      }
    },
    release: async (w) => {
      if (w.file !== undefined && String(w.file).startsWith(`${exchangeDir}/`)) await rm(String(w.file), { force: true });
    },
  };
}
