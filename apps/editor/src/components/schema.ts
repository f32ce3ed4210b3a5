/** The parts of a param's JSON Schema (generated from its zod schema) that forms use. */
export interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly pattern?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly items?: JsonSchema | false;
  /** Tuples (zod `z.tuple`): one schema per position. */
  readonly prefixItems?: readonly JsonSchema[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  /** The input the param asks for (zod `.meta({ widget })`): `seed`, `seeds` or `layers`. */
  readonly widget?: string;
  /** For `layers`: the index space of the generator's layer layout it selects in. */
  readonly layers?: string;
}

export type FieldKind =
  | { kind: 'number'; integer: boolean; min?: number; max?: number; nullable: boolean }
  | { kind: 'seed' }
  | { kind: 'seeds' }
  | { kind: 'layers'; space: string }
  | { kind: 'file'; pattern?: string }
  | { kind: 'enum'; options: readonly unknown[]; nullable: boolean }
  | { kind: 'boolean' }
  | { kind: 'string'; nullable: boolean }
  | { kind: 'numberList'; integer: boolean }
  | { kind: 'stringList' }
  | { kind: 'json' };

/**
 * How to edit a param, from its schema alone: the widget its metadata asks for, else its type.
 * `file` marks a param that names a file the node reads (`NodeTypeInfo.fileParams`).
 */
export function fieldKind(s: JsonSchema, opts: { readonly file?: boolean } = {}): FieldKind {
  const variants = s.anyOf ?? [s];
  const nullable = variants.some((v) => v.type === 'null');
  const main = variants.filter((v) => v.type !== 'null');
  if (main.length > 1 && main.every((v) => v.const !== undefined)) return { kind: 'enum', options: main.map((v) => v.const), nullable };
  const one = main.length === 1 ? main[0]! : undefined;
  if (!one) return { kind: 'json' };
  const widget = s.widget ?? one.widget;
  if (one.enum) return { kind: 'enum', options: one.enum, nullable };
  if (one.type === 'integer' && widget === 'seed') return { kind: 'seed' };
  if (one.type === 'number' || one.type === 'integer') {
    const min = one.minimum ?? one.exclusiveMinimum;
    return { kind: 'number', integer: one.type === 'integer', ...(min !== undefined && { min }), ...(one.maximum !== undefined && { max: one.maximum }), nullable };
  }
  if (one.type === 'boolean') return { kind: 'boolean' };
  if (one.type === 'string' && widget === 'seeds') return { kind: 'seeds' };
  const space = s.layers ?? one.layers;
  if (one.type === 'string' && widget === 'layers' && space) return { kind: 'layers', space };
  if (one.type === 'string' && opts.file) return { kind: 'file', ...(one.pattern !== undefined && { pattern: one.pattern }) };
  if (one.type === 'string') return { kind: 'string', nullable };
  const items = one.items === false ? undefined : one.items;
  if (one.type === 'array' && (items?.type === 'number' || items?.type === 'integer')) return { kind: 'numberList', integer: items.type === 'integer' };
  // A tuple of numbers (e.g. translate [x, y]) edits as a number list; the schema checks its length.
  if (one.type === 'array' && one.prefixItems?.length && one.prefixItems.every((p) => p.type === 'number' || p.type === 'integer')) {
    return { kind: 'numberList', integer: one.prefixItems.every((p) => p.type === 'integer') };
  }
  if (one.type === 'array' && items?.type === 'string') return { kind: 'stringList' };
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

/** The paths a param's JSON Schema `pattern` accepts (all of them without one, or when it is not a valid regex). */
export function matchingPaths(paths: readonly string[], pattern?: string): readonly string[] {
  if (pattern === undefined) return paths;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return paths;
  }
  return paths.filter((p) => re.test(p));
}
