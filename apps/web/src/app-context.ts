import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api';
import type { Session } from './session';

/** The signed-in user and the API client bound to their token and language. */
export interface AppContext {
  readonly session: Session;
  readonly api: ApiClient;
}

export const AppContextValue = createContext<AppContext | null>(null);

export const useApp = (): AppContext => {
  const app = useContext(AppContextValue);
  if (!app) throw new Error('useApp() outside a signed-in page');
  return app;
};
