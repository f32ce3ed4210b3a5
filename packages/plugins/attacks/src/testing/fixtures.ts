/**
 * The PIL reference outputs (tools/fixtures/make_attack_fixtures.py writes them) and ways to
 * compare 8-bit images, for the tests.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { readNpy } from '@stylegraph/core';
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import { parseAttackSpec, type AttackSpecInput } from '../spec/attack-spec.js';
import { runAttack } from '../attacks/apply.js';

const DIR = new URL('../../fixtures/', import.meta.url);

export interface FixtureCase {
  readonly name: string;
  readonly input: string;
  /** One attack, or a chain. */
  readonly spec: AttackSpecInput | AttackSpecInput[];
  readonly file: string;
  readonly width: number;
  readonly height: number;
}

interface Manifest {
  readonly versions: Record<string, unknown>;
  readonly cases: FixtureCase[];
}

export const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as Manifest;

/** A `[H, W, 3]` uint8 .npy file of the fixtures folder. */
export function loadRgb(file: string): RgbImage {
  const t = readNpy(new Uint8Array(readFileSync(new URL(file, DIR))), file);
  const [H, W, C] = t.dims as [number, number, number];
  if (t.dtype !== 'uint8' || C !== 3) throw new Error(`${file}: not uint8 [H, W, 3]`);
  return rgbImage(W, H, t.data as Uint8Array);
}

export const fixtureJson = (file: string): unknown => JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));

/** The cases whose (first) attack is `attack`. */
export const casesOf = (attack: string): FixtureCase[] => manifest.cases.filter((c) => !Array.isArray(c.spec) && c.spec.attack === attack);
export function caseNamed(name: string): FixtureCase {
  const c = manifest.cases.find((k) => k.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
}

export const inputOf = (c: FixtureCase): RgbImage => loadRgb(`${c.input}.npy`);
export const expectedOf = (c: FixtureCase): RgbImage => loadRgb(c.file);

export interface Difference {
  /** Largest |a − b| over all values. */
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Values that differ at all. */
  readonly differing: number;
  /** PSNR in dB, peak 255 (Infinity when equal). */
  readonly psnr: number;
}

export function difference(a: RgbImage, b: RgbImage): Difference {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let max = 0;
  let sum = 0;
  let se = 0;
  let differing = 0;
  for (let i = 0; i < a.rgb.length; i++) {
    const d = Math.abs(a.rgb[i]! - b.rgb[i]!);
    if (d > max) max = d;
    if (d) differing++;
    sum += d;
    se += d * d;
  }
  const mse = se / a.rgb.length;
  return { maxAbs: max, meanAbs: sum / a.rgb.length, differing, psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse) };
}

/** Runs case `c`'s attack on its input and expects PIL's output exactly: its size and every byte. */
export async function expectSameBytes(c: FixtureCase): Promise<void> {
  const out = await runAttack(inputOf(c), parseAttackSpec(c.spec));
  expect([out.width, out.height]).toEqual([c.width, c.height]);
  const d = difference(out, expectedOf(c));
  expect(d.maxAbs, `${d.differing} values differ`).toBe(0);
}
