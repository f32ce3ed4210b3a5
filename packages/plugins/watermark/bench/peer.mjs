// The peer method: tools/watermark/dwt_dct.py (a reimplementation of invisible-watermark's
// dwtDct), run as a child process on folders of PNGs. Each call prints one JSON line.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SetupError } from './corpus.mjs';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../../tools/watermark/dwt_dct.py', import.meta.url));

/** One thread for numpy/scipy too, so that the peer's seconds compare with our single-threaded JS. */
const ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** Fails with one line when the peer cannot run here. */
export function checkPeer() {
  if (!existsSync(PYTHON)) throw new SetupError(`the peer needs ${PYTHON} with numpy, scipy and PIL: sudo apt-get install -y python3-numpy python3-scipy python3-pil`);
  if (!existsSync(SCRIPT)) throw new SetupError(`the peer's script ${SCRIPT} is missing`);
}

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`dwt_dct.py ${args[0]} failed: ${(stderr || err.message).trim()}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      } catch {
        reject(new Error(`dwt_dct.py ${args[0]} printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** Marks every PNG of `inDir` into `outDir` with `hex`; `{ images, seconds }` (embedding only, I/O excluded). */
export const peerEmbed = (inDir, outDir, hex) => run(['embed', '--bits', hex, inDir, outDir]);

/** Decodes every PNG of `dir`; `{ seconds, bits: { name: hex } }`. */
export const peerDecode = (dir, nbits) => run(['decode', '--nbits', String(nbits), dir]);
