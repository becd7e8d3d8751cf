import type {
  AlertBody,
  AlertPageBody,
  CreatedSubscriptionBody,
  DeliveryListBody,
  SubscriptionBody,
  SubscriptionListBody,
} from '@tracker/contracts';
import { useState } from 'preact/hooks';
import { type ApiProblem, problemOfError, queryOf } from '../api';
import { useApp } from '../app-context';
import { Field } from '../components/field';
import { FormProblem, ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Link, useRouter } from '../router';
import { canAcknowledgeAlerts, canManageWebhooks } from '../session';

/** The alert types the feed and the webhooks know (GET /api/alerts?type=, POST /api/subscriptions). */
const ALERT_TYPES = ['commitment.lapsed', 'commitment.deadline-approaching', 'assessment.stale'] as const;
type AlertType = (typeof ALERT_TYPES)[number];
const isAlertType = (v: string | null): v is AlertType =>
  v !== null && (ALERT_TYPES as readonly string[]).includes(v);
const TYPE_LABEL: Readonly<Record<AlertType, MessageKey>> = {
  'commitment.lapsed': 'alerts.type.lapsed',
  'commitment.deadline-approaching': 'alerts.type.deadline',
  'assessment.stale': 'alerts.type.stale',
};

/** The feed's state, in the URL: `/alerts?type=commitment.lapsed&acknowledged=false&cursor=…`. */
interface AlertFilters {
  readonly type: AlertType | null;
  readonly acknowledged: 'true' | 'false' | null;
  readonly cursor: string | null;
}
const filtersOf = (q: URLSearchParams): AlertFilters => {
  const type = q.get('type');
  const ack = q.get('acknowledged');
  return {
    type: isAlertType(type) ? type : null,
    acknowledged: ack === 'true' || ack === 'false' ? ack : null,
    cursor: q.get('cursor'),
  };
};
const alertsUrl = (f: Partial<AlertFilters>): string =>
  `/alerts${queryOf({ type: f.type, acknowledged: f.acknowledged, cursor: f.cursor })}`;

/** What the alert is about, in a line: the due date that passed or comes, or since when no assessment. */
const AlertDetail = ({ alert }: { alert: AlertBody }) => {
  const { t, date } = useI18n();
  if (alert.type === 'assessment.stale') return <>{t('alerts.staleSince', { date: date(alert.since) })}</>;
  return <>{t('alerts.due', { date: date(alert.dueDate) })}</>;
};

const Feed = () => {
  const { t, date, language } = useI18n();
  const { api, session } = useApp();
  const { location, navigate } = useRouter();
  const filters = filtersOf(location.query);
  const page = useLoad(`alerts|${location.query.toString()}|${language}`, (signal) =>
    api.get<AlertPageBody>(
      `/api/alerts${queryOf({ type: filters.type, acknowledged: filters.acknowledged, cursor: filters.cursor, limit: '25' })}`,
      signal,
    ),
  );
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const acknowledge = async (alert: AlertBody): Promise<void> => {
    setBusy(alert.alertId);
    setProblem(null);
    try {
      // Acknowledging twice keeps the first: the key only spares the API a second write.
      await api.post<AlertBody>(
        `/api/alerts/${alert.alertId}/acknowledgement`,
        {},
        {
          'Idempotency-Key': crypto.randomUUID(),
        },
      );
      page.reload();
    } catch (err) {
      setProblem(problemOfError(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="feed-title">
      <h2 id="feed-title">{t('alerts.feed')}</h2>
      <form
        class="filters"
        role="search"
        aria-label={t('tracker.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const field = (name: string): string => {
            const v = form.get(name);
            return typeof v === 'string' ? v : '';
          };
          const type = field('type');
          const ack = field('acknowledged');
          navigate(
            alertsUrl({
              type: isAlertType(type) ? type : null,
              acknowledged: ack === 'true' || ack === 'false' ? ack : null,
            }),
          );
        }}
        key={location.query.toString()}
      >
        <div>
          <label for="alert-type">{t('alerts.typeLabel')}</label>
          <select id="alert-type" name="type" value={filters.type ?? ''}>
            <option value="">{t('alerts.anyType')}</option>
            {ALERT_TYPES.map((ty) => (
              <option value={ty} key={ty}>
                {t(TYPE_LABEL[ty])}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="alert-ack">{t('alerts.ackLabel')}</label>
          <select id="alert-ack" name="acknowledged" value={filters.acknowledged ?? ''}>
            <option value="">{t('alerts.anyAck')}</option>
            <option value="false">{t('alerts.unacknowledged')}</option>
            <option value="true">{t('alerts.acknowledged')}</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit">{t('tracker.apply')}</button>
        </div>
      </form>
      {problem && <ProblemMessage problem={problem} />}
      {page.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {page.state === 'error' && <ProblemMessage problem={page.problem} />}
      {page.state === 'ok' && page.data.items.length === 0 && <p>{t('alerts.none')}</p>}
      {page.state === 'ok' && page.data.items.length > 0 && (
        <table class="items" data-query={location.query.toString()}>
          <thead>
            <tr>
              <th scope="col">{t('alerts.typeLabel')}</th>
              <th scope="col">{t('alerts.raisedAt')}</th>
              <th scope="col">{t('tracker.item')}</th>
              <th scope="col">{t('alerts.ackLabel')}</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((a) => (
              <tr key={a.alertId} data-alert-id={a.alertId}>
                <td>{t(TYPE_LABEL[a.type])}</td>
                <td>{date(a.raisedAt)}</td>
                <td>
                  <Link href={`/items/${a.itemId}`}>
                    {t(a.itemKind === 'commitment' ? 'kind.commitment' : 'kind.recommendation')}
                  </Link>{' '}
                  <span class="hint">
                    <AlertDetail alert={a} />
                  </span>
                </td>
                <td>
                  {a.acknowledged ? (
                    <span data-acknowledged>
                      {t('alerts.acknowledgedBy', {
                        who: a.acknowledgedBy ?? '',
                        date: a.acknowledgedAt ? date(a.acknowledgedAt) : '',
                      })}
                    </span>
                  ) : canAcknowledgeAlerts(session) ? (
                    <button type="button" disabled={busy !== null} onClick={() => void acknowledge(a)}>
                      {t('alerts.acknowledge')}
                    </button>
                  ) : (
                    t('alerts.unacknowledged')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="paging" aria-label={t('tracker.paging')}>
        {filters.cursor && <Link href={alertsUrl({ ...filters, cursor: null })}>{t('tracker.first')}</Link>}
        {page.state === 'ok' && page.data.nextCursor && (
          <Link href={alertsUrl({ ...filters, cursor: page.data.nextCursor })}>{t('tracker.next')}</Link>
        )}
      </nav>
    </section>
  );
};

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** The delivery log of one subscription: one line per alert, with its attempts. */
const Deliveries = ({ subscription }: { subscription: SubscriptionBody }) => {
  const { t, date } = useI18n();
  const { api } = useApp();
  const log = useLoad(`deliveries|${subscription.subscriptionId}`, (signal) =>
    api.get<DeliveryListBody>(`/api/subscriptions/${subscription.subscriptionId}/deliveries`, signal),
  );
  if (log.state === 'loading') return <p aria-busy="true">{t('app.loading')}</p>;
  if (log.state === 'error') return <ProblemMessage problem={log.problem} />;
  if (log.data.items.length === 0) return <p>{t('webhooks.noDeliveries')}</p>;
  return (
    <table class="items" data-deliveries={subscription.subscriptionId}>
      <thead>
        <tr>
          <th scope="col">{t('webhooks.createdAt')}</th>
          <th scope="col">{t('webhooks.status')}</th>
          <th scope="col">{t('webhooks.attempts')}</th>
          <th scope="col">{t('webhooks.lastError')}</th>
        </tr>
      </thead>
      <tbody>
        {log.data.items.map((d) => {
          const last = d.attempts[d.attempts.length - 1];
          return (
            <tr key={d.eventId} data-delivery-status={d.status}>
              <td>{date(d.createdAt)}</td>
              <td>{t(`webhooks.status.${d.status}`)}</td>
              <td>{d.attempts.length}</td>
              <td>
                {last?.error ? <span lang="en">{last.error}</span> : last?.status ? String(last.status) : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

/** Webhook subscriptions (admin, secretariat): add one (its secret shown once), see deliveries, remove. */
const Webhooks = () => {
  const { t, date } = useI18n();
  const { api } = useApp();
  const subs = useLoad('subscriptions', (signal) =>
    api.get<SubscriptionListBody>('/api/subscriptions', signal),
  );
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<readonly AlertType[]>([]);
  const [urlError, setUrlError] = useState<{ key: MessageKey } | { api: string } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [created, setCreated] = useState<CreatedSubscriptionBody | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const subscribe = async (e: Event): Promise<void> => {
    e.preventDefault();
    setProblem(null);
    const trimmed = url.trim();
    const own = !trimmed ? 'error.required' : !isHttpUrl(trimmed) ? 'error.url' : null;
    if (own) {
      setUrlError({ key: own });
      document.getElementById('webhook-url')?.focus();
      return;
    }
    setUrlError(null);
    try {
      const res = await api.post<CreatedSubscriptionBody>(
        '/api/subscriptions',
        { url: trimmed, eventTypes: types },
        { 'Idempotency-Key': idempotencyKey },
      );
      setCreated(res.body);
      setUrl('');
      setTypes([]);
      setIdempotencyKey(crypto.randomUUID());
      subs.reload();
    } catch (err) {
      const p = problemOfError(err);
      const atUrl = p.errors.find((fe) => fe.path === 'url');
      if (atUrl) setUrlError({ api: atUrl.message });
      setProblem(p);
    }
  };
  const remove = async (id: string): Promise<void> => {
    setProblem(null);
    try {
      await api.del(`/api/subscriptions/${id}`);
      subs.reload();
    } catch (err) {
      setProblem(problemOfError(err));
    }
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('webhooks.title')}</h2>
      <form
        class="webhook"
        noValidate
        onSubmit={(e) => void subscribe(e)}
        aria-labelledby="webhook-add-title"
      >
        <h3 id="webhook-add-title">{t('webhooks.add')}</h3>
        {created && (
          <div role="status" class="secret">
            <p>{t('webhooks.created')}</p>
            <p>
              <code data-secret>{created.secret}</code>
            </p>
          </div>
        )}
        {problem && <FormProblem problem={problem} />}
        <Field
          id="webhook-url"
          name="url"
          label={t('webhooks.url')}
          error={urlError === null ? null : 'key' in urlError ? t(urlError.key) : urlError.api}
          errorLang={urlError && 'api' in urlError ? 'en' : undefined}
          control={(p) => (
            <input type="url" {...p} value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          )}
        />
        <fieldset>
          <legend>{t('webhooks.types')}</legend>
          {ALERT_TYPES.map((ty) => (
            <div class="check" key={ty}>
              <input
                id={`webhook-type-${ty}`}
                type="checkbox"
                checked={types.includes(ty)}
                onChange={(e) =>
                  setTypes(e.currentTarget.checked ? [...types, ty] : types.filter((x) => x !== ty))
                }
              />
              <label for={`webhook-type-${ty}`}>{t(TYPE_LABEL[ty])}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">{t('webhooks.submit')}</button>
      </form>
      {subs.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {subs.state === 'error' && <ProblemMessage problem={subs.problem} />}
      {subs.state === 'ok' && subs.data.items.length === 0 && <p>{t('webhooks.none')}</p>}
      {subs.state === 'ok' && subs.data.items.length > 0 && (
        <ul class="subscriptions">
          {subs.data.items.map((s) => (
            <li key={s.subscriptionId} data-subscription-id={s.subscriptionId}>
              <p>
                <code>{s.url}</code> —{' '}
                {s.eventTypes.length === 0
                  ? t('webhooks.allTypes')
                  : s.eventTypes.map((ty) => (isAlertType(ty) ? t(TYPE_LABEL[ty]) : ty)).join(', ')}
                <span class="hint">
                  {' '}
                  {t('webhooks.since', { date: date(s.createdAt), who: s.createdBy })}
                </span>
              </p>
              <p>
                <button
                  type="button"
                  aria-expanded={open === s.subscriptionId}
                  onClick={() => setOpen(open === s.subscriptionId ? null : s.subscriptionId)}
                >
                  {t('webhooks.deliveries')}
                </button>{' '}
                <button type="button" onClick={() => void remove(s.subscriptionId)}>
                  {t('webhooks.remove')}
                </button>
              </p>
              {open === s.subscriptionId && <Deliveries subscription={s} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};

/** `/alerts`: the feed (every reader; a focal point sees its institution's), webhooks for those who manage them. */
export const AlertsPage = () => {
  const { t } = useI18n();
  const { session } = useApp();
  return (
    <>
      <h1>{t('alerts.title')}</h1>
      <Feed />
      {canManageWebhooks(session) && <Webhooks />}
    </>
  );
};
