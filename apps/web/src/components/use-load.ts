import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly problem: ApiProblem };

/**
 * Runs `load` when `key` changes (a new URL, a new language) and again on `reload()`. What was loaded
 * for another key is never shown as this key's (new filters show "loading", not the old rows), and an
 * answer that arrives after the key moved on is dropped (aborted). A `reload()` keeps showing the
 * current data until the fresh answer replaces it.
 */
export const useLoad = <T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): Loaded<T> & { reload: () => void } => {
  const [result, setResult] = useState<{ key: string; loaded: Loaded<T> } | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResult({ key, loaded: { state: 'ok', data } });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const problem =
          err instanceof ApiProblem
            ? err
            : new ApiProblem(0, 'client', err instanceof Error ? err.message : 'error', null, []);
        setResult({ key, loaded: { state: 'error', problem } });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure every render; `key` names what it loads, so only a new key reloads.
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const loaded: Loaded<T> = result !== null && result.key === key ? result.loaded : { state: 'loading' };
  return { ...loaded, reload };
};
