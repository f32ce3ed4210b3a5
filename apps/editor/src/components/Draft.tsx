/** A text box that commits on Enter or when it loses focus; Escape restores the committed text. */
import { useEffect, useState } from 'react';

interface Props {
  readonly value: string;
  readonly onCommit: (text: string) => void;
  readonly testId: string;
  readonly list?: string;
  readonly placeholder?: string;
}

export function Draft({ value, onCommit, testId, list, placeholder }: Props) {
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
