/** An input for one node param, chosen from the param's JSON Schema (see schema.ts). */
import { useEffect, useState } from 'react';
import { fieldKind, layerSet, layerText, randomSeed, randomizeSeeds, type JsonSchema } from './schema';
import { presetLayers, type LayerCounts } from '../graph/layer-counts';

interface Props {
  readonly nodeId: string;
  readonly name: string;
  readonly schema: JsonSchema;
  /** The stored value, or undefined when the default applies. */
  readonly value: unknown;
  readonly required: boolean;
  readonly suggestions?: readonly string[];
  /** Layer counts of the graph's generator, and which kind of layers this param picks. */
  readonly layers?: { readonly counts?: LayerCounts; readonly kind: 'ws' | 'noise' };
  readonly onChange: (value: unknown, key?: string) => void;
}

/** A text box that commits on Enter or when it loses focus. */
function Draft({ value, onCommit, testId, list, placeholder }: { value: string; onCommit: (text: string) => void; testId: string; list?: string; placeholder?: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <input
      data-testid={testId}
      value={text}
      list={list}
      placeholder={placeholder}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && onCommit(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          onCommit(text);
          (e.target as HTMLInputElement).blur();
        }
        if (e.key === 'Escape') setText(value);
      }}
    />
  );
}

const LAYER_PRESETS = ['coarse', 'middle', 'fine'];
/** Cells shown when the generator's layer count is unknown (a 1024 px generator has 18 ws). */
const LAYER_CELLS = 18;

function LayerPicker({ value, onChange, testId, layers }: { value: string; onChange: (v: string) => void; testId: string; layers?: Props['layers'] }) {
  const named = LAYER_PRESETS.includes(value);
  const counts = layers?.counts;
  const set = named && counts ? new Set(presetLayers(value, layers.kind, counts)) : layerSet(value);
  const n = counts ? (layers?.kind === 'noise' ? counts.noise : counts.ws) : LAYER_CELLS;
  return (
    <div className="layers">
      <div className="layer-cells">
        {Array.from({ length: n }, (_, i) => (
          <button
            key={i}
            type="button"
            className={`cell ${set.has(i) ? (named ? 'on preset' : 'on') : ''}`}
            title={`${layers?.kind === 'noise' ? 'noise layer' : 'w'} ${i}`}
            onClick={() => {
              const next = new Set(set);
              if (next.has(i)) next.delete(i);
              else next.add(i);
              if (next.size) onChange(layerText(next));
            }}
          >
            {i}
          </button>
        ))}
      </div>
      <div className="layer-presets">
        {LAYER_PRESETS.map((p) => (
          <button key={p} type="button" className={value === p ? 'on' : ''} onClick={() => onChange(p)}>
            {p}
          </button>
        ))}
        <Draft value={value} onCommit={onChange} testId={testId} />
      </div>
    </div>
  );
}

const parseList = (text: string, integer: boolean): number[] | undefined => {
  const xs = text.split(/[\s,]+/).filter(Boolean).map(Number);
  return xs.every((x) => Number.isFinite(x) && (!integer || Number.isInteger(x))) ? xs : undefined;
};

export function ParamField({ nodeId, name, schema, value, required, suggestions, layers, onChange }: Props) {
  const f = fieldKind(name, schema);
  const shown = value === undefined ? schema.default : value;
  const testId = `param-${nodeId}-${name}`;
  const listId = suggestions?.length ? `${testId}-list` : undefined;
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
      input = <LayerPicker value={typeof shown === 'string' ? shown : ''} onChange={(v) => onChange(v)} testId={testId} {...(layers && { layers })} />;
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
      input = (
        <>
          <Draft value={typeof shown === 'string' ? shown : ''} testId={testId} {...(listId && { list: listId })} onCommit={(t) => onChange(t === '' && !required ? undefined : t)} />
          {listId && (
            <datalist id={listId}>
              {suggestions!.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </>
      );
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
