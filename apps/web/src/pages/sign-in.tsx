import { useState } from 'preact/hooks';
import type { Role } from '../../../../libs/auth/src/principal';
import { ApiProblem } from '../api';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { sessionOf, type Session } from '../session';

interface DevSignInInfo {
  readonly roles: readonly Role[];
}
interface DevToken {
  readonly token: string;
}

/**
 * The development role picker, shown only when the gateway says it issues development tokens (it does
 * only while the published development key is in use). Signing in with the organisation's identity
 * provider (OIDC) is not built yet: without the development key the page says so.
 */
export const SignInPage = ({
  onSignedIn,
  expired,
}: {
  onSignedIn: (s: Session) => void;
  expired: boolean;
}) => {
  const { t, label } = useI18n();
  const offered = useLoad<DevSignInInfo | null>('dev-sign-in', async (signal) => {
    const res = await fetch('/auth/dev', { signal });
    return res.ok ? ((await res.json()) as DevSignInInfo) : null;
  });
  const [role, setRole] = useState<Role>('secretariat');
  const [institution, setInstitution] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setProblem(null);
    const res = await fetch('/auth/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role, institution: role === 'focal-point' && institution ? institution : null }),
    }).catch(() => null);
    const session = res?.ok ? sessionOf(((await res.json()) as DevToken).token) : null;
    if (session) onSignedIn(session);
    else setProblem(new ApiProblem(res?.status ?? 0, 'sign-in', 'sign-in', null, []));
  };

  return (
    <section class="narrow">
      <h1>{t('signIn.title')}</h1>
      {expired && <p role="status">{t('signIn.expired')}</p>}
      {offered.state === 'loading' && <p>{t('app.loading')}</p>}
      {offered.state === 'ok' && offered.data === null && <p>{t('signIn.unavailable')}</p>}
      {offered.state === 'ok' && offered.data !== null && (
        <form onSubmit={(e) => void submit(e)}>
          <p>{t('signIn.devIntro')}</p>
          <label for="role">{t('signIn.role')}</label>
          <select id="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {offered.data.roles.map((r) => (
              <option value={r} key={r}>
                {label('role', r)}
              </option>
            ))}
          </select>
          {role === 'focal-point' && (
            <>
              <label for="institution">{t('signIn.institution')}</label>
              <input
                id="institution"
                value={institution}
                aria-describedby="institution-hint"
                onInput={(e) => setInstitution(e.currentTarget.value.trim())}
              />
              <p id="institution-hint" class="hint">
                {t('signIn.institutionHint')}
              </p>
            </>
          )}
          <button type="submit">{t('signIn.submit')}</button>
        </form>
      )}
      {offered.state === 'error' && <ProblemMessage problem={offered.problem} />}
      {problem && <ProblemMessage problem={problem} />}
    </section>
  );
};
