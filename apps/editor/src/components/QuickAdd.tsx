/** Typing on the canvas opens this: a search box whose Enter adds the highlighted node type. */
import { useState } from 'react';
import type { NodeTypeInfo } from '../api';
import { searchTypes } from './Palette';

interface Props {
  readonly types: readonly NodeTypeInfo[];
  readonly initial: string;
  readonly at: { x: number; y: number };
  readonly onPick: (t: NodeTypeInfo) => void;
  readonly onClose: () => void;
}

export function QuickAdd({ types, initial, at, onPick, onClose }: Props) {
  const [query, setQuery] = useState(initial);
  const [index, setIndex] = useState(0);
  const hits = searchTypes(types, query).slice(0, 12);
  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} data-testid="quick-add">
      <input
        autoFocus
        value={query}
        data-testid="quick-add-input"
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onBlur={onClose}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, hits.length - 1));
          if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
          if (e.key === 'Enter' && hits[index]) onPick(hits[index]);
        }}
      />
      <ul>
        {hits.map((t, i) => (
          <li key={t.type} className={i === index ? 'active' : ''} onMouseDown={(e) => { e.preventDefault(); onPick(t); }}>
            {t.title} <small>{t.type}</small>
          </li>
        ))}
      </ul>
    </div>
  );
}
