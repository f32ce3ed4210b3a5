import { PLUGIN_API_VERSION, z } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import { OperatorManifestError, paramsSchema, parseOperatorManifest } from './manifest.js';
import { operatorFiles, parseManifestBytes, parseOperatorPackage } from './package.js';

const FILE = 'operators/sobel.json';

const valid = () => ({
  name: 'Sobel',
  version: 1,
  title: 'Sobel edges',
  category: 'filter',
  description: 'Edges.',
  model: './sobel.onnx',
  inputs: { image: { kind: 'Image', onnx: 'image', description: 'RGB' } },
  outputs: { edges: { kind: 'Image', onnx: 'edges', shape: ['B', 3, 'H', 'W'] } },
  params: {
    strength: { type: 'number', default: 1, minimum: 0, maximum: 8, description: 'Gain.', onnx: { input: 'strength' } },
    mode: { type: 'integer', default: 0, enum: [0, 1], onnx: { attribute: { node: 'n', name: 'axis' } } },
  },
  differentiable: true,
});

type Json = Record<string, unknown>;
/** A valid manifest with one change at a path (a value of `undefined` deletes the field). */
function withChange(path: string, value: unknown): Json {
  const m = valid() as Json;
  const keys = path.split('.');
  let o = m as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return m;
}

/** The error message a manifest gives (it must be one OperatorManifestError line). */
function errorOf(json: unknown, file = FILE): string {
  try {
    parseOperatorManifest(json, file);
  } catch (e) {
    expect(e).toBeInstanceOf(OperatorManifestError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.startsWith(`${file}: `)).toBe(true);
    return msg;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parseOperatorManifest', () => {
  it('accepts a valid manifest, resolves the model next to it and fills in defaults', () => {
    const m = parseOperatorManifest(valid(), FILE);
    expect(m).toMatchObject({ file: FILE, name: 'Sobel', version: 1, model: './sobel.onnx', modelPath: 'operators/sobel.onnx', differentiable: true });
    expect(m.params.strength!.onnx).toEqual({ input: 'strength' });
    expect(m.params.mode!.onnx).toEqual({ attribute: { node: 'n', name: 'axis' } });
    const bare = parseOperatorManifest({ ...withChange('differentiable', undefined), params: undefined, model: 'models/a.b.onnx' }, 'x.json');
    expect(bare).toMatchObject({ differentiable: false, params: {}, modelPath: 'models/a.b.onnx' });
    expect(parseOperatorManifest(valid(), 'a/b/c.json').modelPath).toBe('a/b/sobel.onnx');
  });

  // Each case: the manifest, and the one line it must give.
  const cases: [string, unknown, string][] = [
    ['not an object', [], '(manifest): expected object, got array'],
    ['an unknown top-level field', { ...valid(), extra: 1 }, 'extra: unknown field'],
    ['a missing name', withChange('name', undefined), 'name: required'],
    ['a node name with a slash', withChange('name', 'edge/Sobel'), 'name: must be letters and digits, starting with a letter'],
    ['a version of 0', withChange('version', 0), 'version: must be a positive integer'],
    ['a fractional version', withChange('version', 1.5), 'version: expected int, got number'],
    ['an empty title', withChange('title', ''), 'title: must not be empty'],
    ['a model outside the plugin', withChange('model', '../other/sobel.onnx'), 'model: must be a relative path to an .onnx file'],
    ['an absolute model path', withChange('model', '/etc/sobel.onnx'), 'model: must be a relative path'],
    ['a model that is not .onnx', withChange('model', './sobel.py'), 'model: must be a relative path'],
    ['a port without a kind', withChange('inputs.image', { onnx: 'image' }), 'inputs.image.kind: required'],
    ['a port with an unknown field', withChange('inputs.image', { kind: 'Image', onnx: 'image', dtype: 'float32' }), 'inputs.image.dtype: unknown field'],
    ['a port name that is not an identifier', withChange('inputs', { '2x': { kind: 'Image', onnx: 'image' } }), 'inputs["2x"]: invalid name: must be letters, digits and "_", starting with a letter'],
    ['a prototype key as a port name', JSON.parse('{"name":"A","version":1,"title":"t","category":"c","model":"a.onnx","inputs":{"__proto__":{"kind":"Image","onnx":"x"}},"outputs":{"y":{"kind":"Image","onnx":"y"}}}'), 'inputs["__proto__"]: invalid name: "__proto__" is not allowed'],
    ['a zero in a shape', withChange('outputs.edges.shape', ['B', 0, 'H', 'W']), 'outputs.edges.shape[1]: a fixed size must be ≥ 1'],
    ['no output ports', withChange('outputs', {}), 'outputs: declares no output port'],
    ['an unknown param type', withChange('params.strength.type', 'float'), 'params.strength.type: must be one of "number", "integer", "boolean", "string"'],
    ['a param default of the wrong type', withChange('params.strength.default', '1'), 'params.strength.default: expected number, got string'],
    ['a param without a default', withChange('params.strength.default', undefined), 'params.strength.default: required'],
    ['an infinite default', withChange('params.strength.default', Infinity), 'params.strength.default: expected number, got Infinity'],
    ['a default outside the range', withChange('params.strength.default', 9), 'params.strength.default: 9 is outside 0…8'],
    ['a minimum above the maximum', withChange('params.strength.minimum', 10), 'params.strength.minimum: minimum 10 is greater than maximum 8'],
    ['a default not in the enum', withChange('params.mode.default', 2), 'params.mode.default: 2 is not one of the enum values [0,1]'],
    ['an enum value twice', withChange('params.mode.enum', [0, 1, 1]), 'params.mode.enum[2]: 1 is listed twice'],
    ['a fractional integer default', withChange('params.mode.default', 0.5), 'params.mode.default: expected int, got number'],
    ['minimum on a boolean', withChange('params.mode', { type: 'boolean', default: true, minimum: 0, onnx: { input: 'm' } }), 'params.mode.minimum: unknown field'],
    ['a param mapped nowhere', withChange('params.strength.onnx', {}), 'params.strength.onnx: must give exactly one of "input"'],
    ['a param mapped twice', withChange('params.strength.onnx', { input: 'strength', attribute: { node: 'n', name: 'alpha' } }), 'params.strength.onnx: must give exactly one of'],
    ['a misspelt onnx target', withChange('params.strength.onnx', { inptu: 'strength' }), 'params.strength.onnx.inptu: unknown field'],
    ['an attribute without a node', withChange('params.mode.onnx', { attribute: { name: 'axis' } }), 'params.mode.onnx.attribute.node: required'],
    ['a string param fed as an input', withChange('params.mode', { type: 'string', default: 'a', onnx: { input: 'mode' } }), 'params.mode.onnx.input: a string param can only set a node attribute'],
    ['two ports feeding one ONNX input', withChange('inputs.other', { kind: 'Image', onnx: 'image' }), 'inputs.other.onnx: ONNX input "image" is already mapped by inputs.image.onnx'],
    ['a param feeding an input a port feeds', withChange('params.strength.onnx', { input: 'image' }), 'params.strength.onnx.input: ONNX input "image" is already mapped by inputs.image.onnx'],
    ['two ports taking one ONNX output', withChange('outputs.again', { kind: 'Image', onnx: 'edges' }), 'outputs.again.onnx: ONNX output "edges" is already mapped by outputs.edges.onnx'],
    ['two params setting one attribute', withChange('params.other', { type: 'integer', default: 0, onnx: { attribute: { node: 'n', name: 'axis' } } }), 'params.other.onnx.attribute: attribute "axis" of node "n" is already mapped by params.mode.onnx.attribute'],
    ['JSON nested too deeply', withChange('description', JSON.parse('['.repeat(40) + ']'.repeat(40))), `description${'[0]'.repeat(15)}: nested too deeply`],
  ];
  for (const [what, json, expected] of cases) {
    it(`refuses ${what} in one line naming the file and the field`, () => {
      expect(errorOf(json)).toContain(`${FILE}: ${expected}`);
    });
  }

  it('tells how many more problems there are', () => {
    expect(errorOf({ ...valid(), name: 1, version: 'x' })).toBe(`${FILE}: name: expected string, got number (and 1 more problem)`);
  });
});

describe('paramsSchema', () => {
  it('builds defaults, bounds, enums and descriptions by hand', () => {
    const schema = paramsSchema(parseOperatorManifest(valid(), FILE).params);
    expect(schema.parse({})).toEqual({ strength: 1, mode: 0 });
    expect(schema.safeParse({ strength: 8.5 }).success).toBe(false);
    expect(schema.safeParse({ strength: -0.1 }).success).toBe(false);
    expect(schema.safeParse({ mode: 2 }).success).toBe(false);
    expect(schema.safeParse({ strength: '1' }).success).toBe(false);
    const js = z.toJSONSchema(schema) as { properties: Record<string, Record<string, unknown>> };
    expect(js.properties.strength).toMatchObject({ type: 'number', minimum: 0, maximum: 8, default: 1, description: 'Gain.' });
    expect(js.properties.mode).toMatchObject({ enum: [0, 1], default: 0 });
  });

  it('integers, booleans and strings', () => {
    const m = parseOperatorManifest(
      withChange('params', {
        n: { type: 'integer', default: 2, minimum: 1, onnx: { input: 'n' } },
        b: { type: 'boolean', default: true, onnx: { input: 'b' } },
        s: { type: 'string', default: 'edge', enum: ['constant', 'edge'], title: 'Border', onnx: { attribute: { node: 'pad', name: 'mode' } } },
      }),
      FILE,
    );
    const schema = paramsSchema(m.params);
    expect(schema.parse({})).toEqual({ n: 2, b: true, s: 'edge' });
    expect(schema.safeParse({ n: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ n: 0 }).success).toBe(false);
    expect(schema.safeParse({ b: 1 }).success).toBe(false);
    expect(schema.safeParse({ s: 'reflect' }).success).toBe(false);
    expect((z.toJSONSchema(schema) as { properties: Record<string, { description?: string }> }).properties.s!.description).toBe('Border');
  });
});

describe('operator packages', () => {
  const pkg = { name: 'stylegraph-plugin-edge-onnx', version: '1.0.0', keywords: ['stylegraph-plugin'], stylegraph: { apiVersion: `^${PLUGIN_API_VERSION}`, namespace: 'edge', operators: './operators/*.json' } };

  it('reads the stylegraph section and finds the manifests its pattern names', () => {
    const p = parseOperatorPackage(pkg);
    expect(p).toMatchObject({ name: 'stylegraph-plugin-edge-onnx', namespace: 'edge', operators: { dir: 'operators/', pattern: '*.json' } });
    expect(operatorFiles(p, ['sobel.onnx', 'b.json', 'a.json', 'a.json.bak'])).toEqual(['operators/a.json', 'operators/b.json']);
  });

  const refusals: [string, unknown, string][] = [
    ['another plugin API', { ...pkg, stylegraph: { ...pkg.stylegraph, apiVersion: '^3' } }, `stylegraph.apiVersion: targets plugin API ^3; this stylegraph provides API ${PLUGIN_API_VERSION}`],
    ['no stylegraph section', { ...pkg, stylegraph: undefined }, 'stylegraph: required'],
    ['a pattern reaching out of the package', { ...pkg, stylegraph: { ...pkg.stylegraph, operators: '../*.json' } }, 'stylegraph.operators: must be a relative pattern'],
    ['a bad namespace', { ...pkg, stylegraph: { ...pkg.stylegraph, namespace: 'Edge' } }, 'stylegraph.namespace: must be lower-case'],
    ['an unknown field', { ...pkg, stylegraph: { ...pkg.stylegraph, main: 'x.js' } }, 'stylegraph.main: unknown field'],
  ];
  for (const [what, json, expected] of refusals) {
    it(`refuses ${what}`, () => {
      expect(() => parseOperatorPackage(json)).toThrow(`package.json: ${expected}`);
    });
  }

  it('reads manifest bytes as JSON, naming the file when they are not', () => {
    expect(parseManifestBytes(new TextEncoder().encode('\uFEFF{"a":1}'), 'x.json')).toEqual({ a: 1 });
    expect(() => parseManifestBytes(new TextEncoder().encode('{"a":'), 'operators/x.json')).toThrow(/^operators\/x\.json: \(manifest\): is not valid JSON: /);
    expect(() => parseManifestBytes(Uint8Array.of(0xff, 0xfe), 'x.json')).toThrow('x.json: (manifest): is not UTF-8 text');
  });
});
