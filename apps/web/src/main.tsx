import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient } from './api';
import { AppContextValue } from './app-context';
import { Layout } from './components/layout';
import { I18nContext, i18nFor, initialLanguage, rememberLanguage, type Language } from './i18n/i18n';
import { AlertsPage } from './pages/alerts';
import { AuditPage } from './pages/audit';
import { DashboardPage } from './pages/dashboard';
import { ImportPage } from './pages/import';
import { ItemPage } from './pages/item';
import { OIDC_CALLBACK_PATH } from './oidc';
import { OidcCallbackPage, SignInPage } from './pages/sign-in';
import { TrackerPage } from './pages/tracker';
import { RouterContext, useBrowserRouter, type Router } from './router';
import { loadSession, saveSession, type Session } from './session';

const ITEM_PATH = /^\/items\/([0-9a-f-]{36})$/i;

/** The signed-in pages by path; anything else goes to the tracker, the app's home. */
const Page = ({ router }: { router: Router }) => {
  const item = ITEM_PATH.exec(router.location.path);
  if (item?.[1]) return <ItemPage id={item[1]} key={item[1]} />;
  if (router.location.path === '/dashboard') return <DashboardPage />;
  if (router.location.path === '/alerts') return <AlertsPage />;
  if (router.location.path === '/import') return <ImportPage />;
  if (router.location.path === '/audit') return <AuditPage />;
  return <TrackerPage />;
};

const App = () => {
  const router = useBrowserRouter();
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  useEffect(() => rememberLanguage(language), [language]);

  const i18n = useMemo(() => i18nFor(language, setLanguage), [language]);
  const signIn = (s: Session | null, why: 'expired' | null = null): void => {
    saveSession(s);
    setSession(s);
    setExpired(why === 'expired');
  };
  const app = useMemo(
    () =>
      session && {
        session,
        api: apiClient({
          token: session.token,
          language,
          onUnauthenticated: () => signIn(null, 'expired'),
        }),
      },
    [session, language],
  );
  useEffect(() => {
    const path = router.location.path;
    const title = path.startsWith('/items/')
      ? null
      : i18n.t(
          path === '/dashboard'
            ? 'dashboard.title'
            : path === '/alerts'
              ? 'alerts.title'
              : path === '/import'
                ? 'import.title'
                : path === '/audit'
                  ? 'audit.title'
                  : 'tracker.title',
        );
    document.title = title ? `${title} — ${i18n.t('app.name')}` : i18n.t('app.name');
  }, [router.location.path, i18n]);

  return (
    <I18nContext.Provider value={i18n}>
      <RouterContext.Provider value={router}>
        <Layout session={session} onSignOut={() => signIn(null)}>
          {app ? (
            <AppContextValue.Provider value={app}>
              <Page router={router} />
            </AppContextValue.Provider>
          ) : router.location.path === OIDC_CALLBACK_PATH ? (
            <OidcCallbackPage onSignedIn={(s) => signIn(s)} />
          ) : (
            <SignInPage onSignedIn={(s) => signIn(s)} expired={expired} />
          )}
        </Layout>
      </RouterContext.Provider>
    </I18nContext.Provider>
  );
};

const root = document.getElementById('app');
if (root) render(<App />, root);
