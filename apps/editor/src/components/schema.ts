/** The parts of a param's JSON Schema (generated from its zod schema) that forms use. */
export interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly default?: unknown;
  readonly description?: string;
  readonly items?: JsonSchema;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
}

export type FieldKind =
  | { kind: 'number'; integer: boolean; min?: number; max?: number; nullable: boolean }
  | { kind: 'seed' }
  | { kind: 'seeds' }
  | { kind: 'layers' }
  | { kind: 'enum'; options: readonly unknown[]; nullable: boolean }
  | { kind: 'boolean' }
  | { kind: 'string'; nullable: boolean }
  | { kind: 'numberList'; integer: boolean }
  | { kind: 'stringList' }
  | { kind: 'json' };

const SEED_MAX = 4294967295;

/** How to edit a param, from its name and schema. */
export function fieldKind(name: string, s: JsonSchema): FieldKind {
  const variants = s.anyOf ?? [s];
  const nullable = variants.some((v) => v.type === 'null');
  const main = variants.filter((v) => v.type !== 'null');
  if (main.length > 1 && main.every((v) => v.const !== undefined)) return { kind: 'enum', options: main.map((v) => v.const), nullable };
  const one = main.length === 1 ? main[0]! : undefined;
  if (!one) return { kind: 'json' };
  if (one.enum) return { kind: 'enum', options: one.enum, nullable };
  if (one.type === 'integer' && /seed$/i.test(name) && one.maximum === SEED_MAX) return { kind: 'seed' };
  if (one.type === 'number' || one.type === 'integer') {
    const min = one.minimum ?? one.exclusiveMinimum;
    return { kind: 'number', integer: one.type === 'integer', ...(min !== undefined && { min }), ...(one.maximum !== undefined && { max: one.maximum }), nullable };
  }
  if (one.type === 'boolean') return { kind: 'boolean' };
  if (one.type === 'string' && /seeds$/i.test(name)) return { kind: 'seeds' };
  if (one.type === 'string' && /^layers$/i.test(name)) return { kind: 'layers' };
  if (one.type === 'string') return { kind: 'string', nullable };
  if (one.type === 'array' && (one.items?.type === 'number' || one.items?.type === 'integer')) return { kind: 'numberList', integer: one.items.type === 'integer' };
  if (one.type === 'array' && one.items?.type === 'string') return { kind: 'stringList' };
  return { kind: 'json' };
}

/** A random seed 0 … 2³²−1. */
export const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0]!;

/** `"0-7"` → a new random run of as many seeds (`"123456-123463"`); lists keep their length. */
export function randomizeSeeds(text: string): string {
  const count = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .reduce((n, p) => {
      const m = /^(\d+)\s*-\s*(\d+)$/.exec(p);
      return n + (m ? Math.abs(Number(m[2]) - Number(m[1])) + 1 : 1);
    }, 0);
  const n = Math.max(1, Math.min(count, 1024));
  const start = Math.floor(Math.random() * (100_000 - n));
  return n === 1 ? String(start) : `${start}-${start + n - 1}`;
}

/** Layer indices named by `"0-3,8"` (coarse/middle/fine stay as words). */
export function layerSet(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = Math.min(a, b); i <= Math.max(a, b) && i < 64; i++) out.add(i);
  }
  return out;
}

/** `{0,1,2,5}` → `"0-2,5"`. */
export function layerText(set: ReadonlySet<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
