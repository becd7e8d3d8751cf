import { useEffect, useState } from 'preact/hooks';
import type { Role } from '../../../../libs/auth/src/principal';
import { ApiProblem } from '../api';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { finishOidcSignIn, OidcSignInError, startOidcSignIn, type OidcSignInInfo } from '../oidc';
import { useRouter } from '../router';
import { sessionOf, type Session } from '../session';

interface DevSignInInfo {
  readonly roles: readonly Role[];
}
interface DevToken {
  readonly token: string;
}

interface SignInOffer {
  readonly oidc: OidcSignInInfo | null;
  readonly dev: DevSignInInfo | null;
}

/** A gateway answer, or null when it says the way of signing in is off (404). */
const offered = async <T,>(path: string, signal: AbortSignal): Promise<T | null> => {
  const res = await fetch(path, { signal });
  return res.ok ? ((await res.json()) as T) : null;
};

/**
 * Sign-in with the organisation's OpenID Connect provider when the gateway names one, and the
 * development role picker only when the gateway says it issues development tokens (it does only while
 * the published development key is in use). With neither, the page says whom to ask.
 */
export const SignInPage = ({
  onSignedIn,
  expired,
}: {
  onSignedIn: (s: Session) => void;
  expired: boolean;
}) => {
  const { t, label } = useI18n();
  const { location } = useRouter();
  const offer = useLoad<SignInOffer>('sign-in', async (signal) => {
    const [oidc, dev] = await Promise.all([
      offered<OidcSignInInfo>('/auth/oidc', signal),
      offered<DevSignInInfo>('/auth/dev', signal),
    ]);
    return { oidc, dev };
  });
  const [leaving, setLeaving] = useState(false);
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

  const withProvider = (info: OidcSignInInfo): void => {
    setProblem(null);
    setLeaving(true);
    // Back to the page the reader asked for (a deep link) once the provider has signed them in.
    startOidcSignIn(
      info,
      `${location.path}${location.query.size ? `?${location.query.toString()}` : ''}`,
    ).catch(() => {
      setLeaving(false);
      setProblem(new ApiProblem(0, 'sign-in', 'sign-in', null, []));
    });
  };

  const data = offer.state === 'ok' ? offer.data : null;
  return (
    <section class="narrow">
      <h1>{t('signIn.title')}</h1>
      {expired && <p role="status">{t('signIn.expired')}</p>}
      {offer.state === 'loading' && <p>{t('app.loading')}</p>}
      {data && !data.oidc && !data.dev && <p>{t('signIn.unavailable')}</p>}
      {data?.oidc && (
        <p>
          <button
            type="button"
            id="sign-in-provider"
            class="primary"
            disabled={leaving}
            onClick={() => data.oidc && withProvider(data.oidc)}
          >
            {t('signIn.withProvider')}
          </button>
        </p>
      )}
      {data?.dev && (
        <form onSubmit={(e) => void submit(e)}>
          <p>{t('signIn.devIntro')}</p>
          <label for="role">{t('signIn.role')}</label>
          <select id="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {data.dev.roles.map((r) => (
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
      {offer.state === 'error' && <ProblemMessage problem={offer.problem} />}
      {problem && <ProblemMessage problem={problem} />}
    </section>
  );
};

/**
 * Where the provider sends the reader back (`/signed-in?code=…&state=…`): redeems the code once, then
 * goes to the page the reader started from, replacing the callback in the history (back does not
 * replay a used code).
 */
export const OidcCallbackPage = ({ onSignedIn }: { onSignedIn: (s: Session) => void }) => {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [failed, setFailed] = useState<OidcSignInError['reason'] | null>(null);
  useEffect(() => {
    finishOidcSignIn(new URL(location.href)).then(
      ({ session, returnTo }) => {
        onSignedIn(session);
        navigate(returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/', { replace: true });
      },
      (err: unknown) => setFailed(err instanceof OidcSignInError ? err.reason : 'provider'),
    );
  }, []);
  return (
    <section class="narrow">
      <h1>{t('signIn.title')}</h1>
      {failed === null ? (
        <p role="status">{t('signIn.finishing')}</p>
      ) : (
        <div class="problem" role="alert">
          <p>{t(`signIn.failed.${failed}`)}</p>
          <p>
            <a href="/">{t('signIn.again')}</a>
          </p>
        </div>
      )}
    </section>
  );
};
