/** A param naming a file the node reads: the text, with the workspace's files and model folders to pick from. */
import { Draft } from './Draft';
import { matchingPaths } from './schema';

interface Props {
  readonly value: string;
  readonly onCommit: (text: string) => void;
  readonly testId: string;
  /** Paths relative to the graph's folder. */
  readonly paths: readonly string[];
  /** The param's JSON Schema pattern: only paths it accepts are offered. */
  readonly pattern?: string;
}

export function FilePicker({ value, onCommit, testId, paths, pattern }: Props) {
  const listId = `${testId}-files`;
  const offered = matchingPaths(paths, pattern);
  return (
    <>
      <Draft value={value} testId={testId} list={listId} placeholder={offered.length ? 'pick or type a path' : 'a path'} onCommit={onCommit} />
      <datalist id={listId} data-testid={listId}>
        {offered.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
    </>
  );
}
