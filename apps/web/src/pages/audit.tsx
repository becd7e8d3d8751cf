import type { AssessmentStatus } from '@tracker/contracts';
import { useState } from 'preact/hooks';
import type {
  AuditProjectionRowBody,
  AuditVerifyBody,
} from '../../../../libs/event-store/src/audit/audit.responses';
import { type ApiProblem, problemOfError, queryOf } from '../api';
import { useApp } from '../app-context';
import { Field } from '../components/field';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { Link, useRouter } from '../router';

/** The services that keep an event store, each verified on its own (GET /api/audit/<service>/verify). */
const SERVICES = ['recommendations', 'commitments', 'follow-up'] as const;
type Service = (typeof SERVICES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One service's hash chain, checked on demand: walking a whole store is not done on every visit. */
const ChainCheck = ({ service }: { service: Service }) => {
  const { t, number } = useI18n();
  const { api } = useApp();
  const [state, setState] = useState<
    | { readonly step: 'idle' | 'running' }
    | { readonly step: 'done'; readonly report: AuditVerifyBody }
    | { readonly step: 'failed'; readonly problem: ApiProblem }
  >({ step: 'idle' });
  const run = async (): Promise<void> => {
    setState({ step: 'running' });
    try {
      setState({ step: 'done', report: await api.get<AuditVerifyBody>(`/api/audit/${service}/verify`) });
    } catch (err) {
      setState({ step: 'failed', problem: problemOfError(err) });
    }
  };
  return (
    <li data-service={service}>
      <span class="service">{t(`audit.service.${service}`)}</span>{' '}
      <button type="button" onClick={() => void run()} disabled={state.step === 'running'}>
        {t('audit.verify')}
      </button>
      <span role="status" class="verify-result">
        {state.step === 'running' && t('audit.verifying')}
        {state.step === 'done' &&
          (state.report.ok
            ? t('audit.chainIntact', {
                streams: number(state.report.streams),
                events: number(state.report.events),
              })
            : t('audit.chainBroken', { breaks: number(state.report.breaks.length) }))}
      </span>
      {state.step === 'failed' && <ProblemMessage problem={state.problem} />}
      {state.step === 'done' && state.report.breaks.length > 0 && (
        <ul class="breaks">
          {state.report.breaks.map((b) => (
            <li key={`${b.streamId}:${b.version}`}>
              {b.streamId} v{b.version}: {b.reason}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
};

/** The part of a tracker row the auditor reads: status and latest assessment as the store knew them. */
interface TrackerRowState {
  readonly kind?: 'recommendation' | 'commitment';
  readonly assessmentStatus?: AssessmentStatus | 'none';
  readonly assessmentCount?: number;
  readonly latestAssessment?: { readonly status: AssessmentStatus; readonly assessedOn: string } | null;
}

/** An item's tracker row as of the end of a day (UTC), refolded from the history (audit as-of). */
const RowAsOf = ({ item, day }: { item: string; day: string }) => {
  const { t, label, date, number } = useI18n();
  const { api } = useApp();
  const row = useLoad(`as-of|${item}|${day}`, (signal) =>
    api.get<AuditProjectionRowBody>(
      `/api/audit/follow-up/projections/tracker_items/${item}${queryOf({ asOf: `${day}T23:59:59.999Z` })}`,
      signal,
    ),
  );
  if (row.state === 'loading') return <p aria-busy="true">{t('app.loading')}</p>;
  if (row.state === 'error') return <ProblemMessage problem={row.problem} />;
  const state = row.data.state as TrackerRowState | null;
  const status = state?.assessmentStatus ?? 'none';
  return (
    <div id="as-of-result">
      {state === null ? (
        <p>{t('audit.unknownThen', { date: date(day) })}</p>
      ) : (
        <dl class="facts">
          <dt>{t('audit.statusThen')}</dt>
          <dd data-status={status}>
            {status === 'none' ? t('tracker.notAssessed') : label('status', status)}
          </dd>
          {state.latestAssessment && (
            <>
              <dt>{t('audit.assessedOn')}</dt>
              <dd>{date(state.latestAssessment.assessedOn)}</dd>
            </>
          )}
          <dt>{t('audit.assessments')}</dt>
          <dd>{number(state.assessmentCount ?? 0)}</dd>
        </dl>
      )}
      <h3>{t('audit.eventsFolded', { count: number(row.data.events.length) })}</h3>
      <ol class="history">
        {row.data.events.map((e) => (
          <li key={`${e.streamId}:${e.version}`} data-audit-type={e.type}>
            <time dateTime={e.recordedAt}>{date(e.recordedAt)}</time> — {e.type} ({e.streamId} v{e.version})
          </li>
        ))}
      </ol>
      <p>
        <Link href={`/items/${item}`}>{t('audit.openItem')}</Link>
      </p>
    </div>
  );
};

/**
 * The auditor's page: each service's hash chain verified, and an item's state as of a date (its full
 * timeline is on the item page). The question asked is in the URL (`/audit?item=…&asOf=YYYY-MM-DD`),
 * so an answer can be linked to.
 */
export const AuditPage = () => {
  const { t } = useI18n();
  const { location, navigate } = useRouter();
  const asked = { item: location.query.get('item'), asOf: location.query.get('asOf') };
  const [item, setItem] = useState(asked.item ?? '');
  const [day, setDay] = useState(asked.asOf ?? '');
  const [errors, setErrors] = useState<{ item: string | null; asOf: string | null }>({
    item: null,
    asOf: null,
  });
  const submit = (e: Event): void => {
    e.preventDefault();
    const found = {
      item: UUID.test(item.trim()) ? null : t('audit.itemInvalid'),
      asOf: DAY.test(day) ? null : t('audit.dateInvalid'),
    };
    setErrors(found);
    if (found.item === null && found.asOf === null)
      navigate(`/audit${queryOf({ item: item.trim().toLowerCase(), asOf: day })}`);
  };
  const valid = asked.item !== null && UUID.test(asked.item) && asked.asOf !== null && DAY.test(asked.asOf);
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <section aria-labelledby="chains-title">
        <h2 id="chains-title">{t('audit.chains')}</h2>
        <p class="hint">{t('audit.chainsIntro')}</p>
        <ul class="chains">
          {SERVICES.map((s) => (
            <ChainCheck service={s} key={s} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="as-of-title">
        <h2 id="as-of-title">{t('audit.asOf')}</h2>
        <form onSubmit={submit} noValidate>
          <Field
            id="audit-item"
            name="item"
            label={t('audit.item')}
            error={errors.item}
            control={(p) => (
              <input {...p} value={item} spellcheck={false} onInput={(e) => setItem(e.currentTarget.value)} />
            )}
          />
          <Field
            id="audit-as-of"
            name="asOf"
            label={t('audit.date')}
            error={errors.asOf}
            control={(p) => (
              <input {...p} type="date" value={day} onInput={(e) => setDay(e.currentTarget.value)} />
            )}
          />
          <p class="hint">{t('audit.asOfHint')}</p>
          <button type="submit">{t('audit.show')}</button>
        </form>
        {valid && (
          <RowAsOf item={asked.item!.toLowerCase()} day={asked.asOf!} key={`${asked.item}|${asked.asOf}`} />
        )}
      </section>
    </>
  );
};
