/**
 * Inspecting untrusted, already-parsed JSON headers without recursion: the top-level keys of
 * the JSON text with duplicates kept (JSON.parse silently keeps only the last), and short,
 * bounded descriptions of arbitrary values for error messages (a hostile header may hold a
 * million-element list or lists nested a million deep).
 */

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys of the top-level object in valid JSON `text`, in order, duplicates kept. */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && ' \t\n\r'.includes(text[j]!)) j++;
      if (text[j] === ':') keys.push(JSON.parse(text.slice(start, i + 1)) as string);
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) depth++;
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
  }
  return keys;
}

const MAX_ITEMS = 8;
const MAX_STRING = 60;

/**
 * A JSON value as it appears in an error message: scalars and short flat lists in JSON form
 * (`"Q4"`, `[2, -3]`), long strings cut, anything bigger summarized (`a list of 12 items`).
 */
export function describeJson(v: unknown): string {
  const scalar = (x: unknown): string | undefined => {
    if (typeof x === 'string') return JSON.stringify(x.length > MAX_STRING ? `${x.slice(0, MAX_STRING)}…` : x);
    if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
    return undefined;
  };
  const s = scalar(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) {
    const items = v.length <= MAX_ITEMS ? v.map(scalar) : [];
    return v.length <= MAX_ITEMS && items.every((x) => x !== undefined) ? `[${items.join(', ')}]` : `a list of ${v.length} items`;
  }
  return 'an object';
}

/** Limits on JSON text checked before it is parsed. */
export interface JsonLimits {
  /** Deepest nesting of lists and objects. */
  readonly depth: number;
  /** Members of any one object. */
  readonly membersPerObject: number;
  /** Members of all objects together. */
  readonly members: number;
  /** Values (roughly: commas and brackets) in all. */
  readonly values: number;
}

/**
 * The first limit that JSON `text` passes (a short phrase), or undefined: one linear pass over the
 * text without recursion, strings skipped. JSON.parse itself is iterative but slow on what a
 * hostile header can hold within 100 MB — a million keys in one object or lists nested ten
 * million deep take it many seconds and gigabytes — so headers are measured before they are
 * parsed. The text need not be valid JSON (JSON.parse judges that afterwards).
 */
export function jsonOverLimits(text: string, limits: JsonLimits): string | undefined {
  const open: number[] = []; // per open container: its members so far (-1 for a list)
  let members = 0;
  let values = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (open.length >= limits.depth) return `nests lists or objects more than ${limits.depth} deep`;
      open.push(ch === 0x7b ? 0 : -1);
      if (++values > limits.values) return `holds more than ${limits.values} values`;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) open.pop();
    else if (ch === 0x2c /* , */) {
      if (++values > limits.values) return `holds more than ${limits.values} values`;
    } else if (ch === 0x3a /* : */ && open.length && open[open.length - 1]! >= 0) {
      if (++open[open.length - 1]! > limits.membersPerObject) return `has an object with more than ${limits.membersPerObject} members`;
      if (++members > limits.members) return `has more than ${limits.members} object members in all`;
    }
  }
  return undefined;
}
