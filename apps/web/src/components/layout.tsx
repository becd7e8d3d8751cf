import type { ComponentChildren } from 'preact';
import { type Language, useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { canImport, canReadAudit, type Session } from '../session';

const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', fr: 'Français' };

/** The language switch: each language named in itself, so a reader finds theirs whatever is shown. */
export const LanguageSwitch = () => {
  const { language, setLanguage, t } = useI18n();
  return (
    <div class="language" role="group" aria-label={t('app.language')}>
      {(Object.keys(LANGUAGE_NAMES) as Language[]).map((l) => (
        <button type="button" lang={l} aria-pressed={l === language} onClick={() => setLanguage(l)} key={l}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
};

export const Layout = ({
  session,
  onSignOut,
  children,
}: {
  session: Session | null;
  onSignOut: () => void;
  children: ComponentChildren;
}) => {
  const { t, label } = useI18n();
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <p class="brand">{t('app.name')}</p>
        {session && (
          <nav aria-label={t('nav.main')}>
            <Link href="/dashboard">{t('nav.dashboard')}</Link>
            <Link href="/tracker">{t('nav.tracker')}</Link>
            <Link href="/alerts">{t('nav.alerts')}</Link>
            {canImport(session) && <Link href="/import">{t('nav.import')}</Link>}
            {canReadAudit(session) && <Link href="/audit">{t('nav.audit')}</Link>}
          </nav>
        )}
        <div class="who">
          <LanguageSwitch />
          {session && (
            <>
              <span>
                {session.institution
                  ? t('app.signedInAsOf', {
                      role: label('role', session.role),
                      institution: session.institution,
                    })
                  : t('app.signedInAs', { role: label('role', session.role) })}
              </span>
              <button type="button" onClick={onSignOut}>
                {t('app.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
};
