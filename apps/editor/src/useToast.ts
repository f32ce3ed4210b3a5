/** One message at a time at the bottom of the screen; errors stay longer. */
import { useCallback, useEffect, useState } from 'react';

export interface Toast {
  readonly text: string;
  readonly kind: 'error' | 'info';
}

export function useToast() {
  const [toast, setToast] = useState<Toast | undefined>();
  const say = useCallback((text: string, kind: Toast['kind'] = 'info') => setToast({ text, kind }), []);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(undefined), toast.kind === 'error' ? 8000 : 3000);
    return () => clearTimeout(t);
  }, [toast]);
  return { toast, say };
}
