/**
 * A layer param's input: one cell per index of the layout's space, a button per group the
 * layout names, and the text itself. Everything shown comes from the layout data; without a
 * layout only the text can be edited.
 */
import { formatLayerSpec, layerChoices, parseLayerSpec, pxRangeText, type LayerChoices, type LayerLayout } from '@stylegraph/ops-gpu/layers';
import { Draft } from './Draft';

interface Props {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  /** The layout's index space the param selects in. */
  readonly space: string;
  readonly layout?: LayerLayout;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The indices `value` selects, or why it selects none. */
function selection(value: string, choices: LayerChoices): { set: ReadonlySet<number>; error?: string } {
  try {
    return { set: new Set(parseLayerSpec(value, choices)) };
  } catch (e) {
    return { set: new Set(), error: messageOf(e) };
  }
}

export function LayerPicker({ value, onChange, testId, space, layout }: Props) {
  let choices: LayerChoices | undefined;
  let problem: string | undefined;
  try {
    choices = layout && layerChoices(layout, space);
  } catch (e) {
    problem = messageOf(e);
  }
  if (!choices) {
    return (
      <div className="layers">
        <Draft value={value} onCommit={onChange} testId={testId} />
        <span className="layer-note">{problem ?? 'Layer cells appear once the generator this node uses has loaded.'}</span>
      </div>
    );
  }
  const { set, error } = selection(value, choices);
  const named = choices.groups.some((g) => g.name === value.trim());
  return (
    <div className="layers">
      <div className="layer-cells">
        {Array.from({ length: choices.count }, (_, i) => (
          <button
            key={i}
            type="button"
            className={`cell ${set.has(i) ? (named ? 'on preset' : 'on') : ''}`}
            title={`${space} ${i}${choices.labels?.[i] ? `: ${choices.labels[i]}` : ''}`}
            onClick={() => {
              const next = new Set(set);
              if (next.has(i)) next.delete(i);
              else next.add(i);
              if (next.size) onChange(formatLayerSpec(next));
            }}
          >
            {i}
          </button>
        ))}
      </div>
      <div className="layer-presets">
        {choices.groups.map((g) => (
          <button key={g.name} type="button" className={value === g.name ? 'on' : ''} title={`${pxRangeText(g.px)}: ${space} ${formatLayerSpec(g.indices) || 'none'}`} onClick={() => onChange(g.name)}>
            {g.name}
          </button>
        ))}
        <Draft value={value} onCommit={onChange} testId={testId} />
      </div>
      {error && <span className="layer-note error">{error}</span>}
    </div>
  );
}
