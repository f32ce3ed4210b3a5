/** A file a run wrote, shown full size (PNG) or as text, read through the server. */
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { fromBase64 } from '../browser/base64';
import { Modal } from './Dialogs';

const MAX_TEXT = 200_000;

export function OutputView({ path, onClose }: { path: string; onClose: () => void }) {
  const [content, setContent] = useState<{ image?: string; text?: string; error?: string }>({});
  useEffect(() => {
    let stale = false;
    api.files.readOutput.query({ path }).then(
      (r) => {
        if (stale) return;
        if (r.mime.startsWith('image/')) setContent({ image: `data:${r.mime};base64,${r.base64}` });
        else if (r.mime.startsWith('text/') || r.mime.endsWith('json') || r.mime.endsWith('xml')) setContent({ text: new TextDecoder().decode(fromBase64(r.base64)).slice(0, MAX_TEXT) });
        else setContent({ text: `${r.mime}, ${Math.round((r.base64.length * 3) / 4)} bytes` });
      },
      (e: unknown) => !stale && setContent({ error: errorMessage(e) }),
    );
    return () => {
      stale = true;
    };
  }, [path]);
  return (
    <Modal title={path} onClose={onClose}>
      <div className="output-view" data-testid="output-view">
        {content.image && <img src={content.image} alt={path} />}
        {content.text !== undefined && <pre>{content.text}</pre>}
        {content.error && <p className="error">{content.error}</p>}
      </div>
    </Modal>
  );
}
