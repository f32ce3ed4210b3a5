/**
 * Operator manifests: the JSON half of a data-only operator plugin (ONNX files plus JSON, no
 * plugin JavaScript). One manifest describes one node type:
 *
 * ```jsonc
 * {
 *   "name": "Sobel",                  // node type "<namespace>/Sobel"; letters and digits, starting with a letter
 *   "version": 1,                     // node type version, a positive integer
 *   "title": "Sobel edges",           // shown by editors
 *   "category": "filter",
 *   "description": "…",               // optional
 *   "model": "./sobel.onnx",          // the ONNX file, relative to this manifest; no "..", ends in .onnx
 *   "inputs": {                       // port name → the ONNX graph input it feeds
 *     "image": { "kind": "Image", "onnx": "image", "description": "…", "shape": ["B", 3, "H", "W"] }
 *   },
 *   "outputs": {                      // port name → the ONNX graph output it carries (at least one)
 *     "edges": { "kind": "Image", "onnx": "edges", "shape": ["B", 3, "H", "W"] }
 *   },
 *   "params": {                       // param name → type, default, bounds and where it goes in the model
 *     "strength": { "type": "number", "default": 1, "minimum": 0, "maximum": 8, "description": "…",
 *                   "onnx": { "input": "strength" } },
 *     "mode":     { "type": "integer", "default": 0, "enum": [0, 1],
 *                   "onnx": { "attribute": { "node": "<onnx node name>", "name": "<attribute>" } } }
 *   },
 *   "differentiable": true            // optional, default false: the model may be composed into a gradient graph
 * }
 * ```
 *
 * - Port `kind`: a core kind by name (`Tensor`, `Image`, `number`, `integer`, `boolean`) or
 *   another plugin's tensor kind (`stylegan/WPlus`), resolved when the plugin is built. `shape`
 *   (optional) names the port's dimensions, aligned with the kind's; variables (`"B"`) are
 *   shared between the node's ports, numbers are fixed sizes.
 * - Param `type`: `number`, `integer`, `boolean` or `string`; `default` is required;
 *   `minimum`/`maximum` (number, integer) and `enum` (number, integer, string) are optional,
 *   `title` and `description` too. `onnx` is exactly one of `{ "input": name }` (fed as a
 *   scalar tensor: float32 for number, int64 for integer, bool for boolean; not for strings) or
 *   `{ "attribute": { "node", "name" } }` (the model is patched: FLOAT attributes for number,
 *   INT for integer and boolean, STRING for string).
 * - Every object is closed: an unknown field is an error. Errors are one line,
 *   `<file>: <field path>: <what is wrong>`.
 *
 * Param schemas are built here by hand from these few fields (never from JSON Schema the
 * manifest could carry), so a manifest can describe only what this file understands.
 */
import { tooDeepAt, z } from '@stylegraph/core';

/** A manifest (or model) that is not right, as one line `<file>: <field>: <what is wrong>`. */
export class OperatorManifestError extends Error {
  override readonly name = 'OperatorManifestError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`);
  }
}

/** Most ports or params one manifest may declare. */
export const MAX_OPERATOR_ENTRIES = 64;

const NODE_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const ENTRY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const DIM_VAR = /^[A-Za-z][A-Za-z0-9_]*$/;
const MODEL_PATH = /^(?:\.\/)?(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.onnx$/;

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const onnxName = text(256);
const entryName = z.string().regex(ENTRY_NAME, 'must be letters, digits and "_", starting with a letter');

const PortSchema = z.strictObject({
  kind: text(200),
  onnx: onnxName,
  description: text(2000).optional(),
  shape: z
    .array(z.union([z.int().min(1, 'a fixed size must be ≥ 1'), z.string().regex(DIM_VAR, 'a dimension variable must be letters, digits and "_", starting with a letter')]))
    .max(16, 'has more than 16 dimensions')
    .optional(),
});

const OnnxTargetSchema = z.strictObject({
  input: onnxName.optional(),
  attribute: z.strictObject({ node: onnxName, name: onnxName }).optional(),
});

const common = { title: text(200).optional(), description: text(2000).optional(), onnx: OnnxTargetSchema };
const finite = z.number();
const ParamSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('number'), default: finite, minimum: finite.optional(), maximum: finite.optional(), enum: z.array(finite).min(1).max(256).optional(), ...common }),
  z.strictObject({ type: z.literal('integer'), default: z.int(), minimum: z.int().optional(), maximum: z.int().optional(), enum: z.array(z.int()).min(1).max(256).optional(), ...common }),
  z.strictObject({ type: z.literal('boolean'), default: z.boolean(), ...common }),
  z.strictObject({ type: z.literal('string'), default: z.string().max(1000), enum: z.array(z.string().max(1000)).min(1).max(256).optional(), ...common }),
]);

const entries = <T extends z.ZodType>(value: T) => z.record(entryName, value);

const ManifestSchema = z.strictObject({
  name: z.string().regex(NODE_NAME, 'must be letters and digits, starting with a letter (the node type is "<namespace>/<name>")'),
  version: z.int().min(1, 'must be a positive integer'),
  title: text(200),
  category: text(100),
  description: text(4000).optional(),
  model: z.string().regex(MODEL_PATH, 'must be a relative path to an .onnx file next to or below the manifest (no "..", no absolute paths)'),
  inputs: entries(PortSchema),
  outputs: entries(PortSchema),
  params: entries(ParamSchema).optional(),
  differentiable: z.boolean().optional(),
});

export type OperatorPort = z.output<typeof PortSchema>;
/** Where a param goes in the model. */
export type OperatorTarget = { readonly input: string } | { readonly attribute: { readonly node: string; readonly name: string } };
type RawParam = z.output<typeof ParamSchema>;
/** A param as parsed (one of number, integer, boolean, string), with its ONNX target settled. */
export type OperatorParam = RawParam extends infer P ? (P extends RawParam ? Omit<P, 'onnx'> & { readonly onnx: OperatorTarget } : never) : never;

/** A manifest as parsed: validated, with defaults filled in and the model path resolved. */
export interface OperatorManifest {
  /** The manifest's file, relative to the plugin root (as given). */
  readonly file: string;
  readonly name: string;
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  /** `model` as written in the manifest. */
  readonly model: string;
  /** The model's path relative to the plugin root (`operators/sobel.onnx`). */
  readonly modelPath: string;
  readonly inputs: Readonly<Record<string, OperatorPort>>;
  readonly outputs: Readonly<Record<string, OperatorPort>>;
  readonly params: Readonly<Record<string, OperatorParam>>;
  readonly differentiable: boolean;
}

/** A field path as `a.b[0]["odd key"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && ENTRY_NAME.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(manifest)';
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** One zod issue as `[field, what is wrong]`. */
function describeIssue(issue: z.ZodError['issues'][number]): [string, string] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return [fieldPath([...path, issue.keys[0]!]), `unknown field${issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).join(', ')})` : ''}`];
    case 'invalid_key': {
      const inner = issue.issues[0];
      return [fieldPath(path), `invalid name: ${inner ? lowerFirst(inner.message) : 'not allowed'}`];
    }
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options) return [fieldPath(path), `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`];
      return [fieldPath(path), lowerFirst(issue.message)];
    }
    case 'invalid_type': {
      const received = /received (\S+)$/.exec(issue.message)?.[1];
      if (received === 'undefined') return [fieldPath(path), 'required'];
      return [fieldPath(path), `expected ${issue.expected}${received ? `, got ${received}` : ''}`];
    }
    default:
      return [fieldPath(path), lowerFirst(issue.message.replace(/^Invalid (input|string|number): /, ''))];
  }
}

/** The model path relative to the plugin root: `model` resolved against the manifest's folder. */
export function resolveModelPath(file: string, model: string): string {
  const slash = file.lastIndexOf('/');
  const dir = slash < 0 ? '' : file.slice(0, slash + 1);
  return dir + model.replace(/^\.\//, '');
}

/** The path of the first own `__proto__` key (which zod would silently drop), or undefined. */
function protoKeyAt(value: unknown): PropertyKey[] | undefined {
  const stack: { v: unknown; path: PropertyKey[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else {
      if (Object.hasOwn(v, '__proto__')) return [...path, '__proto__'];
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
    }
  }
  return undefined;
}

const describeValue = (v: unknown) => JSON.stringify(v);

/**
 * Validates an operator manifest (parsed JSON) from `file` (its path relative to the plugin
 * root, quoted by every error). Throws an OperatorManifestError, one line naming the field.
 */
export function parseOperatorManifest(json: unknown, file: string): OperatorManifest {
  const deep = tooDeepAt(json, 16);
  if (deep !== undefined) throw new OperatorManifestError(file, deep === 'document' ? '(manifest)' : deep, 'nested too deeply');
  const proto = protoKeyAt(json);
  if (proto) throw new OperatorManifestError(file, fieldPath(proto), 'invalid name: "__proto__" is not allowed');
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const [field, why] = describeIssue(parsed.error.issues[0]!);
    const more = parsed.error.issues.length - 1;
    throw new OperatorManifestError(file, field, more ? `${why} (and ${more} more problem${more > 1 ? 's' : ''})` : why);
  }
  const m = parsed.data;
  const fail = (path: readonly PropertyKey[], why: string): never => {
    throw new OperatorManifestError(file, fieldPath(path), why);
  };
  for (const side of ['inputs', 'outputs'] as const) {
    if (Object.keys(m[side]).length > MAX_OPERATOR_ENTRIES) fail([side], `declares more than ${MAX_OPERATOR_ENTRIES} ports`);
  }
  if (Object.keys(m.outputs).length === 0) fail(['outputs'], 'declares no output port; an operator needs at least one');
  const params = m.params ?? {};
  if (Object.keys(params).length > MAX_OPERATOR_ENTRIES) fail(['params'], `declares more than ${MAX_OPERATOR_ENTRIES} params`);

  const outParams: Record<string, OperatorParam> = {};
  for (const [name, p] of Object.entries(params)) {
    const at = (...rest: PropertyKey[]) => ['params', name, ...rest];
    const { input, attribute } = p.onnx;
    if ((input === undefined) === (attribute === undefined)) fail(at('onnx'), 'must give exactly one of "input" (an ONNX graph input) or "attribute" ({ node, name })');
    if (input !== undefined && p.type === 'string') fail(at('onnx', 'input'), 'a string param can only set a node attribute ("attribute": { node, name })');
    if (p.type === 'number' || p.type === 'integer') {
      const { minimum: lo, maximum: hi } = p;
      if (lo !== undefined && hi !== undefined && lo > hi) fail(at('minimum'), `minimum ${lo} is greater than maximum ${hi}`);
      const inRange = (v: number) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
      if (!inRange(p.default)) fail(at('default'), `${p.default} is outside ${lo ?? '−∞'}…${hi ?? '∞'}`);
      if (p.enum) {
        p.enum.forEach((v, i) => {
          if (!inRange(v)) fail(at('enum', i), `${v} is outside ${lo ?? '−∞'}…${hi ?? '∞'}`);
          if (p.enum!.indexOf(v) !== i) fail(at('enum', i), `${v} is listed twice`);
        });
        if (!p.enum.includes(p.default)) fail(at('default'), `${p.default} is not one of the enum values ${describeValue(p.enum)}`);
      }
    }
    if (p.type === 'string' && p.enum) {
      p.enum.forEach((v, i) => {
        if (p.enum!.indexOf(v) !== i) fail(at('enum', i), `${describeValue(v)} is listed twice`);
      });
      if (!p.enum.includes(p.default)) fail(at('default'), `${describeValue(p.default)} is not one of the enum values ${describeValue(p.enum)}`);
    }
    const onnx: OperatorTarget = input !== undefined ? { input } : { attribute: attribute! };
    outParams[name] = { ...p, onnx } as OperatorParam;
  }

  // One ONNX input is fed by one port or param, one output goes to one port, one attribute is set by one param.
  const fed = new Map<string, string>();
  const claim = (map: Map<string, string>, key: string, path: PropertyKey[], what: string) => {
    const other = map.get(key);
    if (other !== undefined) fail(path, `${what} is already mapped by ${other}`);
    map.set(key, fieldPath(path));
  };
  for (const [port, spec] of Object.entries(m.inputs)) claim(fed, spec.onnx, ['inputs', port, 'onnx'], `ONNX input "${spec.onnx}"`);
  for (const [name, p] of Object.entries(outParams)) if ('input' in p.onnx) claim(fed, p.onnx.input, ['params', name, 'onnx', 'input'], `ONNX input "${p.onnx.input}"`);
  const outs = new Map<string, string>();
  for (const [port, spec] of Object.entries(m.outputs)) claim(outs, spec.onnx, ['outputs', port, 'onnx'], `ONNX output "${spec.onnx}"`);
  const attrs = new Map<string, string>();
  for (const [name, p] of Object.entries(outParams)) {
    if ('attribute' in p.onnx) claim(attrs, JSON.stringify([p.onnx.attribute.node, p.onnx.attribute.name]), ['params', name, 'onnx', 'attribute'], `attribute "${p.onnx.attribute.name}" of node "${p.onnx.attribute.node}"`);
  }

  return {
    file,
    name: m.name,
    version: m.version,
    title: m.title,
    category: m.category,
    ...(m.description !== undefined && { description: m.description }),
    model: m.model,
    modelPath: resolveModelPath(file, m.model),
    inputs: m.inputs,
    outputs: m.outputs,
    params: outParams,
    differentiable: m.differentiable ?? false,
  };
}

/** The zod schema of a manifest's params (defaults, bounds, enums and descriptions), built by hand. */
export function paramsSchema(params: Readonly<Record<string, OperatorParam>>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, p] of Object.entries(params)) {
    let s: z.ZodType;
    switch (p.type) {
      case 'number':
      case 'integer': {
        if (p.enum) {
          s = z.literal(p.enum as [number, ...number[]]);
        } else {
          let n = p.type === 'integer' ? z.int() : z.number();
          if (p.minimum !== undefined) n = n.min(p.minimum);
          if (p.maximum !== undefined) n = n.max(p.maximum);
          s = n;
        }
        break;
      }
      case 'boolean':
        s = z.boolean();
        break;
      case 'string':
        s = p.enum ? z.enum(p.enum as [string, ...string[]]) : z.string().max(1000);
        break;
    }
    let d: z.ZodType = (s as z.ZodType<unknown>).default(p.default as never);
    const description = p.description ?? p.title;
    if (description !== undefined) d = d.describe(description);
    shape[name] = d;
  }
  return z.object(shape);
}
