/** An input for one node param, chosen from the param's JSON Schema and its metadata (see schema.ts). */
import type { LayerLayout } from '@stylegraph/ops-gpu/layers';
import { fieldKind, randomSeed, randomizeSeeds, type JsonSchema } from './schema';
import { Draft } from './Draft';
import { FilePicker } from './FilePicker';
import { LayerPicker } from './LayerPicker';

interface Props {
  readonly nodeId: string;
  readonly name: string;
  readonly schema: JsonSchema;
  /** The stored value, or undefined when the default applies. */
  readonly value: unknown;
  readonly required: boolean;
  /** Set when the param names a file the node reads: paths to offer, relative to the graph's folder. */
  readonly files?: readonly string[];
  /** The layer layout of the generator the node works with, for layer params. */
  readonly layout?: LayerLayout;
  readonly onChange: (value: unknown, key?: string) => void;
}

const parseList = (text: string, integer: boolean): number[] | undefined => {
  const xs = text.split(/[\s,]+/).filter(Boolean).map(Number);
  return xs.every((x) => Number.isFinite(x) && (!integer || Number.isInteger(x))) ? xs : undefined;
};

export function ParamField({ nodeId, name, schema, value, required, files, layout, onChange }: Props) {
  const f = fieldKind(schema, { file: files !== undefined });
  const shown = value === undefined ? schema.default : value;
  const testId = `param-${nodeId}-${name}`;
  let input: React.ReactNode;
  switch (f.kind) {
    case 'number': {
      const slider = f.min !== undefined && f.max !== undefined && f.max - f.min <= 1000;
      const num = typeof shown === 'number' ? shown : undefined;
      input = (
        <div className="row">
          {slider && (
            <input
              type="range"
              min={f.min}
              max={f.max}
              step={f.integer ? 1 : (f.max! - f.min!) / 400}
              value={num ?? f.min}
              onChange={(e) => onChange(Number(e.target.value), `${nodeId}.${name}`)}
            />
          )}
          <Draft
            value={num === undefined ? '' : String(num)}
            testId={testId}
            placeholder={f.nullable ? 'none' : ''}
            onCommit={(t) => {
              if (t.trim() === '') return onChange(f.nullable ? null : undefined);
              const n = Number(t);
              if (Number.isFinite(n)) onChange(f.integer ? Math.round(n) : n);
            }}
          />
        </div>
      );
      break;
    }
    case 'seed':
      input = (
        <div className="row">
          <Draft value={shown === undefined ? '' : String(shown)} testId={testId} onCommit={(t) => /^\d+$/.test(t.trim()) && onChange(Number(t.trim()))} />
          <button type="button" title="random seed" data-testid={`randomize-${nodeId}-${name}`} onClick={() => onChange(randomSeed())}>
            random
          </button>
        </div>
      );
      break;
    case 'seeds':
      input = (
        <div className="row">
          <Draft value={typeof shown === 'string' ? shown : ''} testId={testId} onCommit={(t) => onChange(t.trim())} />
          <button type="button" title="random seeds (same count)" data-testid={`randomize-${nodeId}-${name}`} onClick={() => onChange(randomizeSeeds(typeof shown === 'string' ? shown : '0'))}>
            random
          </button>
        </div>
      );
      break;
    case 'layers':
      input = <LayerPicker value={typeof shown === 'string' ? shown : ''} onChange={(v) => onChange(v)} testId={testId} space={f.space} {...(layout && { layout })} />;
      break;
    case 'file':
      input = <FilePicker value={typeof shown === 'string' ? shown : ''} testId={testId} paths={files ?? []} {...(f.pattern !== undefined && { pattern: f.pattern })} onCommit={(t) => onChange(t === '' && !required ? undefined : t)} />;
      break;
    case 'enum':
      input = (
        <select data-testid={testId} value={JSON.stringify(shown ?? null)} onChange={(e) => onChange(JSON.parse(e.target.value))}>
          {f.nullable && <option value="null">none</option>}
          {f.options.map((o) => (
            <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      input = <input type="checkbox" data-testid={testId} checked={shown === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'string':
      input = <Draft value={typeof shown === 'string' ? shown : ''} testId={testId} onCommit={(t) => onChange(t === '' && !required ? undefined : t)} />;
      break;
    case 'numberList':
      input = <Draft value={Array.isArray(shown) ? shown.join(', ') : ''} testId={testId} onCommit={(t) => { const xs = parseList(t, f.integer); if (xs) onChange(xs); }} />;
      break;
    case 'stringList':
      input = <Draft value={Array.isArray(shown) ? shown.join(', ') : ''} testId={testId} onCommit={(t) => onChange(t.split(',').map((s) => s.trim()).filter(Boolean))} />;
      break;
    case 'json':
      input = <Draft value={shown === undefined ? '' : JSON.stringify(shown)} testId={testId} onCommit={(t) => { try { onChange(t === '' ? undefined : JSON.parse(t)); } catch { /* not JSON: keep the old value */ } }} />;
      break;
  }
  return (
    <label className="param">
      <span className="param-name" title={schema.description}>
        {name}
        {required && value === undefined && schema.default === undefined && <span className="required">*</span>}
        {value !== undefined && schema.default !== undefined && (
          <button type="button" className="reset" title={`reset to the default (${JSON.stringify(schema.default)})`} onClick={() => onChange(undefined)}>
            ↺
          </button>
        )}
      </span>
      {input}
      {schema.description && <span className="param-help">{schema.description}</span>}
    </label>
  );
}
