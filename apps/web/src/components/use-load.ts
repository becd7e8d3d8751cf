import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly problem: ApiProblem };

/**
 * Runs `load` when `key` changes (a new URL, a new language) and again on `reload()`. An answer that
 * arrives after the key moved on is dropped (aborted), so a fast click never shows an older page.
 */
export const useLoad = <T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): Loaded<T> & { reload: () => void } => {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResult({ state: 'ok', data });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setResult({
          state: 'error',
          problem:
            err instanceof ApiProblem
              ? err
              : new ApiProblem(0, 'client', err instanceof Error ? err.message : 'error', null, []),
        });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure every render; `key` names what it loads, so only a new key reloads.
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...result, reload };
};
