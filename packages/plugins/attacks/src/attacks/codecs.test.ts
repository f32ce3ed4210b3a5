import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseNamed, casesOf, difference, expectedOf, inputOf, type FixtureCase } from '../testing/fixtures.js';
import { parseAttackSpec, type AttackSpec } from '../spec/attack-spec.js';
import { jsquashRoundTrip } from '../codecs/jsquash.js';
import type { CodecOptions } from '../codecs/codec.js';
import { runAttack } from './apply.js';

/**
 * sharp's libjpeg-turbo and libwebp are other builds than PIL's (libjpeg-turbo 2.1.5, libwebp
 * 1.2.4 in the fixtures), so the comparison has a tolerance: PSNR ≥ 40 dB and a mean absolute
 * difference under half a level. (On the reference machine they agree exactly; encoding at
 * quality q − 1 instead of q already falls to 33 dB, and MozJPEG's trellis to 22–24 dB.)
 */
const CLOSE = { psnr: 40, meanAbs: 0.5 };

const specOf = (c: FixtureCase): AttackSpec => parseAttackSpec(c.spec);
const attack = async (c: FixtureCase, spec: AttackSpec = specOf(c)) => runAttack(inputOf(c), spec);

describe.each(['jpeg', 'webp'])('attack/%s (sharp, in Node) against PIL', (format) => {
  for (const c of casesOf(format)) {
    it(`${c.name}: within ${CLOSE.psnr} dB of PIL’s encode + decode`, async () => {
      const out = await attack(c);
      expect([out.width, out.height]).toEqual([c.width, c.height]);
      const d = difference(out, expectedOf(c));
      expect(d.psnr).toBeGreaterThanOrEqual(CLOSE.psnr);
      expect(d.meanAbs).toBeLessThan(CLOSE.meanAbs);
    });
  }

  it('is deterministic: the same bytes on every run', async () => {
    const c = casesOf(format)[0]!;
    const [a, b] = await Promise.all([attack(c), attack(c)]);
    expect(a.rgb).toEqual(b.rgb);
    expect((await attack(c)).rgb).toEqual(a.rgb);
  });

  it('degrades more at quality 50 than at 95, and changes the image at all', async () => {
    const c = casesOf(format)[0]!;
    const at = async (quality: number) => difference(await attack(c, parseAttackSpec({ ...specOf(c), quality })), inputOf(c));
    const [q50, q95] = await Promise.all([at(50), at(95)]);
    expect(q50.psnr).toBeLessThan(q95.psnr);
    expect(q50.meanAbs).toBeGreaterThan(q95.meanAbs);
    expect(q95.differing).toBeGreaterThan(0);
  });
});

describe('attack/Jpeg’s subsampling', () => {
  it('4:4:4 keeps colour detail that 4:2:0 loses', async () => {
    const c = caseNamed('jpeg-75-444');
    const sub = async (subsampling: '4:2:0' | '4:4:4') => difference(await attack(c, parseAttackSpec({ attack: 'jpeg', quality: 75, subsampling })), inputOf(c));
    expect((await sub('4:4:4')).psnr).toBeGreaterThan((await sub('4:2:0')).psnr + 3);
  });
});

/**
 * The browser codecs (@jsquash wasm), run here by handing them their compiled .wasm (they
 * fetch it in browsers). WebP is libwebp as in Node; JPEG is MozJPEG, whose trellis
 * quantisation @jsquash cannot turn off, so it is compared with PIL loosely: it must degrade
 * by quality as libjpeg-turbo does, within a few dB.
 */
describe('the browser codecs (@jsquash)', () => {
  const require = createRequire(import.meta.url);
  const wasm = (path: string) => new WebAssembly.Module(readFileSync(require.resolve(path)));

  beforeAll(async () => {
    const [je, jd, we, wd] = await Promise.all([import('@jsquash/jpeg/encode.js'), import('@jsquash/jpeg/decode.js'), import('@jsquash/webp/encode.js'), import('@jsquash/webp/decode.js')]);
    // The WebP encoder picks its SIMD build where wasm SIMD validates (every current engine).
    const simd = WebAssembly.validate(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm')));
    await Promise.all([
      je.init(wasm('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm')),
      jd.init(wasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm')),
      we.init(wasm(`@jsquash/webp/codec/enc/webp_enc${simd ? '_simd' : ''}.wasm`)),
      wd.init(wasm('@jsquash/webp/codec/dec/webp_dec.wasm')),
    ]);
  });

  const options = (c: FixtureCase): CodecOptions => {
    const s = specOf(c);
    if (s.attack === 'jpeg') return { format: 'jpeg', quality: s.quality, subsampling: s.subsampling };
    if (s.attack === 'webp') return { format: 'webp', quality: s.quality };
    throw new Error(`${c.name} is not a codec case`);
  };

  for (const c of casesOf('webp')) {
    it(`${c.name}: libwebp in wasm within ${CLOSE.psnr} dB of PIL’s`, async () => {
      const d = difference(await jsquashRoundTrip(inputOf(c), options(c)), expectedOf(c));
      expect(d.psnr).toBeGreaterThanOrEqual(CLOSE.psnr);
    });
  }

  for (const c of casesOf('jpeg')) {
    it(`${c.name}: MozJPEG as damaging as libjpeg-turbo, within 3 dB`, async () => {
      const input = inputOf(c);
      const out = await jsquashRoundTrip(input, options(c));
      expect([out.width, out.height]).toEqual([c.width, c.height]);
      expect(Math.abs(difference(out, input).psnr - difference(expectedOf(c), input).psnr)).toBeLessThan(3);
      expect((await jsquashRoundTrip(input, options(c))).rgb).toEqual(out.rgb);
    });
  }

  it('degrades more at JPEG quality 20 than 90, and at 4:2:0 than 4:4:4', async () => {
    const input = inputOf(caseNamed('jpeg-75-444'));
    const psnr = async (quality: number, subsampling: '4:2:0' | '4:4:4') => difference(await jsquashRoundTrip(input, { format: 'jpeg', quality, subsampling }), input).psnr;
    expect(await psnr(20, '4:4:4')).toBeLessThan(await psnr(90, '4:4:4'));
    expect(await psnr(75, '4:2:0')).toBeLessThan(await psnr(75, '4:4:4'));
  });
});
