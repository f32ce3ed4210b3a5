import { describe, expect, it } from 'vitest';
import { isNodeError } from '@stylegraph/core';
import { ATTACK_KINDS } from './params.js';
import { parseAttackChain, parseAttackSpec } from './attack-spec.js';

const rejects = (json: unknown, pattern: RegExp) => {
  let error: unknown;
  try {
    parseAttackSpec(json);
  } catch (e) {
    error = e;
  }
  expect(isNodeError(error) && error.code === 'PARAM_INVALID', String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
};

describe('parseAttackSpec', () => {
  it('fills in the defaults of every attack', () => {
    expect(parseAttackSpec({ attack: 'jpeg' })).toEqual({ attack: 'jpeg', quality: 75, subsampling: '4:2:0' });
    expect(parseAttackSpec({ attack: 'webp' })).toEqual({ attack: 'webp', quality: 75 });
    expect(parseAttackSpec({ attack: 'resize', scale: 2 })).toEqual({ attack: 'resize', scale: 2, kernel: 'bicubic' });
    expect(parseAttackSpec({ attack: 'crop' })).toEqual({ attack: 'crop', area: 0.5, x: 0.5, y: 0.5, aspect: 'keep' });
    expect(parseAttackSpec({ attack: 'rotate' })).toEqual({ attack: 'rotate', degrees: 10, fill: 'black' });
    expect(parseAttackSpec({ attack: 'brightness' })).toEqual({ attack: 'brightness', factor: 1.3 });
    expect(parseAttackSpec({ attack: 'noise' })).toEqual({ attack: 'noise', sigma: 5, seed: 0 });
    for (const attack of ATTACK_KINDS) expect(parseAttackSpec({ attack }).attack).toBe(attack);
  });

  it('reads JSON text as well as parsed values', () => {
    expect(parseAttackSpec('{"attack": "blur", "sigma": 2}')).toEqual({ attack: 'blur', sigma: 2 });
    expect(parseAttackChain('[{"attack": "contrast", "factor": 0.5}, {"attack": "jpeg", "quality": 30}]')).toEqual([
      { attack: 'contrast', factor: 0.5 },
      { attack: 'jpeg', quality: 30, subsampling: '4:2:0' },
    ]);
    rejects('{"attack": ', /not JSON/);
  });

  it('enforces the ranges of the single nodes', () => {
    rejects({ attack: 'jpeg', quality: 0 }, /quality/);
    rejects({ attack: 'jpeg', quality: 101 }, /quality/);
    rejects({ attack: 'jpeg', quality: 50.5 }, /quality/);
    rejects({ attack: 'jpeg', subsampling: '4:2:2' }, /subsampling/);
    rejects({ attack: 'resize', scale: 0.04 }, /scale/);
    rejects({ attack: 'resize', scale: 8.5 }, /scale/);
    rejects({ attack: 'resize', kernel: 'hamming' }, /kernel/);
    rejects({ attack: 'crop', area: 0 }, /area/);
    rejects({ attack: 'crop', x: 1.1 }, /x/);
    rejects({ attack: 'rotate', degrees: 181 }, /degrees/);
    rejects({ attack: 'rotate', fill: 'red' }, /fill/);
    rejects({ attack: 'brightness', factor: -0.1 }, /factor/);
    rejects({ attack: 'contrast', factor: 4.5 }, /factor/);
    rejects({ attack: 'blur', sigma: 0.05 }, /sigma/);
    rejects({ attack: 'blur', sigma: 21 }, /sigma/);
    rejects({ attack: 'noise', sigma: 101 }, /sigma/);
    rejects({ attack: 'noise', seed: -1 }, /seed/);
    rejects({ attack: 'noise', seed: 2 ** 32 }, /seed/);
  });

  it('refuses unknown attacks and unknown keys (a typo is not ignored)', () => {
    rejects({ attack: 'sharpen' }, /attack/);
    rejects({ quality: 50 }, /attack/);
    rejects({ attack: 'jpeg', qualty: 50 }, /qualty/);
    rejects(null, /attack spec/);
  });

  it('limits chains to 64 steps', () => {
    expect(parseAttackChain(Array.from({ length: 64 }, () => ({ attack: 'blur' })))).toHaveLength(64);
    expect(() => parseAttackChain(Array.from({ length: 65 }, () => ({ attack: 'blur' })))).toThrow(/attack chain/);
  });
});
