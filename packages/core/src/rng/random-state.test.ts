/**
 * Tests for RandomState: NumPy reference values (fixtures/randn.json, uniform.json) must
 * be reproduced bit for bit, and the Gaussian pair cache must behave as NumPy's does.
 */

import { describe, it, expect } from 'vitest';
import { RandomState, randn } from './random-state.js';

interface SeededValues {
  seed: number;
  numpy: string;
  values: number[];
}
interface RandnFixture {
  cases: SeededValues[];
  digest: { seed: number; count: number; numpy: string; sha256: string };
}
interface UniformFixture {
  random: SeededValues;
  randint: { seed: number; calls: { low: number; high: number; values: number[] }[] };
}

async function loadFixture<T>(name: string): Promise<T> {
  const specifier = `./fixtures/${name}`;
  const mod = (await import(/* @vite-ignore */ specifier, { with: { type: 'json' } })) as { default: T };
  return mod.default;
}

/** Describes the first index where the arrays differ in any bit, or undefined. */
function firstMismatch(actual: ArrayLike<number>, expected: readonly number[]): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `index ${i}: got ${actual[i]}, NumPy gave ${expected[i]}`;
  }
  return undefined;
}

async function sha256LittleEndian(values: Float64Array): Promise<string> {
  const bytes = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => bytes.setFloat64(i * 8, v, true));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const randnFixture = await loadFixture<RandnFixture>('randn.json');
const uniformFixture = await loadFixture<UniformFixture>('uniform.json');

describe('RandomState.randn', () => {
  it('has fixtures for the expected seeds', () => {
    expect(randnFixture.cases.map((c) => c.seed)).toEqual([0, 1, 42, 6600, 4294967295]);
    for (const c of randnFixture.cases) expect(c.values).toHaveLength(1024);
  });

  it.each(randnFixture.cases.map((c) => [c.seed, c] as const))(
    'matches NumPy bit for bit for seed %d',
    (seed, c) => {
      expect(firstMismatch(new RandomState(seed).randn(c.values.length), c.values)).toBeUndefined();
    },
  );

  it('matches the SHA-256 of NumPy randn(1e6) for seed 123', async () => {
    const { seed, count, sha256 } = randnFixture.digest;
    expect(await sha256LittleEndian(randn(seed, count))).toBe(sha256);
  });

  it('keeps the second value of each pair for the next call', () => {
    const split = new RandomState(6600);
    const a = split.randn(3);
    const b = split.randn(3);
    const whole = new RandomState(6600).randn(6);
    expect(firstMismatch([...a, ...b], Array.from(whole))).toBeUndefined();

    const oneByOne = new RandomState(7);
    const singles = Array.from({ length: 9 }, () => oneByOne.randn(1)[0]!);
    expect(firstMismatch(singles, Array.from(new RandomState(7).randn(9)))).toBeUndefined();
  });

  it('keeps the cached value across uniform draws, as NumPy does', () => {
    const rs = new RandomState(5);
    const first = rs.randn(1)[0];
    const uniforms = rs.random(2);
    const second = rs.randn(1)[0];
    const pair = new RandomState(5).randn(2);
    expect(Object.is(first, pair[0])).toBe(true);
    expect(Object.is(second, pair[1])).toBe(true);
    const reference = new RandomState(5);
    reference.randn(2);
    expect(firstMismatch(uniforms, Array.from(reference.random(2)))).toBeUndefined();
  });

  it('randn(seed, n) is RandomState(seed).randn(n)', () => {
    expect(firstMismatch(randn(42, 100), Array.from(new RandomState(42).randn(100)))).toBeUndefined();
    expect(randn(1, 0)).toHaveLength(0);
  });

  it('rejects bad counts', () => {
    expect(() => new RandomState(0).randn(-1)).toThrow(RangeError);
    expect(() => new RandomState(0).randn(2.5)).toThrow(/2\.5/);
    expect(() => new RandomState(0).random(Number.NaN)).toThrow(RangeError);
  });
});

describe('RandomState.random', () => {
  it('matches NumPy random_sample bit for bit', () => {
    const { seed, values } = uniformFixture.random;
    expect(values).toHaveLength(1024);
    expect(firstMismatch(new RandomState(seed).random(values.length), values)).toBeUndefined();
  });
});

describe('RandomState.randint', () => {
  it('matches a scripted series of NumPy randint(low, high) calls', () => {
    const { seed, calls } = uniformFixture.randint;
    const rs = new RandomState(seed);
    for (const { low, high, values } of calls) {
      const got = values.map(() => rs.randint(low, high));
      expect({ low, high, got }).toEqual({ low, high, got: values });
    }
  });

  it('treats a single argument as the exclusive upper bound', () => {
    const a = new RandomState(3);
    const b = new RandomState(3);
    for (let i = 0; i < 20; i++) expect(a.randint(10)).toBe(b.randint(0, 10));
  });

  it('rejects empty, non-integer and too-wide ranges', () => {
    const rs = new RandomState(0);
    expect(() => rs.randint(5, 5)).toThrow(/low >= high/);
    expect(() => rs.randint(0)).toThrow(RangeError);
    expect(() => rs.randint(0.5, 3)).toThrow(RangeError);
    expect(() => rs.randint(0, 2 ** 32 + 1)).toThrow(/2\^32/);
  });
});

describe('RandomState seeds', () => {
  it.each([-1, 1.5, 2 ** 32, Number.NaN, Infinity, -0.5])('rejects seed %s', (seed) => {
    expect(() => new RandomState(seed)).toThrow(RangeError);
    expect(() => new RandomState(seed)).toThrow(String(seed));
  });

  it('rejects non-number seeds from untyped callers', () => {
    expect(() => new RandomState('5' as unknown as number)).toThrow(/"5"/);
    expect(() => new RandomState(5n as unknown as number)).toThrow(RangeError);
  });

  it('accepts the extremes and remembers the seed', () => {
    expect(new RandomState(0).seed).toBe(0);
    expect(new RandomState(4294967295).seed).toBe(4294967295);
  });
});
