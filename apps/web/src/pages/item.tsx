import type { AssessmentHistoryBody } from '@tracker/contracts';
import type { Timeline } from '../../../../libs/contracts/src/audit-timeline';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { inLanguage, itemTitle, itemTitleLang, type TrackerItem } from '../items';
import { Link } from '../router';
import { canChangeCommitment, canReadAudit, canRecordAssessment } from '../session';
import { AssessmentForm } from './assessment-form';
import { CommitmentActions } from './commitment-actions';

type HistoryEntry = AssessmentHistoryBody['items'][number];

const Facts = ({ item }: { item: TrackerItem }) => {
  const { t, label, date } = useI18n();
  const r = item.recommendation;
  const c = item.commitment;
  const row = (term: string, value: string | null | undefined) =>
    value ? (
      <>
        <dt>{term}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  return (
    <dl class="facts">
      {r && row(t('item.citation'), r.citation)}
      {r && row(t('item.documentDate'), date(r.documentDate))}
      {r && row(t('item.mechanism'), label('mechanism', r.mechanism))}
      {r && row(t('item.recommendingEntities'), r.recommendingEntities.join(', '))}
      {r?.position && row(t('item.position'), label('position', r.position))}
      {c && row(t('item.citation'), c.madeAt.citation)}
      {c &&
        row(t('item.madeAt'), c.madeAt.date ? `${c.madeAt.forum}, ${date(c.madeAt.date)}` : c.madeAt.forum)}
      {c && row(t('item.institutions'), c.institutions.join(', '))}
      {c && row(t('item.dueDate'), date(c.dueDate))}
      {c && row(t('item.commitmentStatus'), label('status', c.status))}
      {item.overdueSince &&
        row(t('tracker.overdue'), t('item.overdueSince', { date: date(item.overdueSince) }))}
      {row(
        t('item.currentStatus'),
        item.assessmentStatus === 'none' ? t('tracker.notAssessed') : label('status', item.assessmentStatus),
      )}
      {item.themes.length > 0 && row(t('item.themes'), item.themes.join(', '))}
    </dl>
  );
};

const Assessment = ({ entry }: { entry: HistoryEntry }) => {
  const { t, label, date } = useI18n();
  return (
    <li data-assessment={entry.assessmentId + ':' + String(entry.sequence)}>
      <p>
        <strong>{label('status', entry.status)}</strong> —{' '}
        {t('item.assessedOnBy', { date: date(entry.assessedOn), assessor: entry.assessor })}
      </p>
      {entry.note && <p class="note">{entry.note}</p>}
      {entry.evidence.length > 0 && (
        <>
          <p class="hint">{t('item.evidence')}</p>
          <ul>
            {entry.evidence.map((ev, i) => (
              <li key={i}>
                {ev.link ? <a href={ev.link}>{ev.source}</a> : ev.source}
                {ev.citation && ` (${ev.citation})`}
                {ev.date && `, ${date(ev.date)}`}: {ev.summary}
              </li>
            ))}
          </ul>
        </>
      )}
    </li>
  );
};

/**
 * The item's audit history (who, when, why), every event of every service about it and its linked
 * items, rendered by the gateway in the reader's language. Read with the auditor's or admin's own
 * token: the services check and log the read themselves.
 */
const AuditHistory = ({ id }: { id: string }) => {
  const { t, date, label, language } = useI18n();
  const { api } = useApp();
  const timeline = useLoad(`timeline|${id}|${language}`, (signal) =>
    api.get<Timeline>(`/api/audit/timeline?item=${id}`, signal),
  );
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('item.auditHistory')}</h2>
      {timeline.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {timeline.state === 'error' && <ProblemMessage problem={timeline.problem} />}
      {timeline.state === 'ok' && (
        <ol class="history audit">
          {timeline.data.entries.map((e) => (
            <li key={`${e.streamId}:${e.version}`} data-audit-type={e.type}>
              <p>
                <time dateTime={e.at}>{date(e.at)}</time> — {e.text}
              </p>
              <p class="hint">{t('item.auditBy', { actor: e.actor, role: label('role', e.role) })}</p>
              {e.details.length > 0 && (
                <ul>
                  {e.details.map((d, i) => (
                    <li key={i}>{d}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
};

export const ItemPage = ({ id }: { id: string }) => {
  const { t, language } = useI18n();
  const { api, session } = useApp();
  const item = useLoad(`item|${id}|${language}`, (signal) =>
    api.get<TrackerItem>(`/api/tracker/items/${id}`, signal),
  );
  const kind = item.state === 'ok' ? item.data.kind : null;
  // The history is read from the assessment's own stream: a new assessment shows at once, while the
  // tracker row (a read model) catches up a moment later.
  const history = useLoad(`history|${id}|${kind ?? ''}|${language}`, (signal) =>
    kind
      ? api.get<AssessmentHistoryBody>(`/api/assessments?targetKind=${kind}&targetId=${id}`, signal)
      : Promise.resolve(null),
  );
  if (item.state === 'loading') return <p aria-busy="true">{t('app.loading')}</p>;
  if (item.state === 'error')
    return (
      <>
        <ProblemMessage problem={item.problem} />
        <Link href="/tracker">{t('common.backToTracker')}</Link>
      </>
    );
  const data = item.data;
  return (
    <article>
      <p>
        <Link href="/tracker">{t('common.backToTracker')}</Link>
      </p>
      <p class="kind">{t(data.kind === 'commitment' ? 'kind.commitment' : 'kind.recommendation')}</p>
      <h1 lang={itemTitleLang(data, language)}>{itemTitle(data, language)}</h1>
      {data.commitment?.text && <p class="text">{data.commitment.text}</p>}
      <Facts item={data} />
      {data.linkedCommitments.length > 0 && (
        <section>
          <h2>{t('item.linkedCommitments')}</h2>
          <ul>
            {data.linkedCommitments.map((c) => (
              <li key={c.id}>
                <Link href={`/items/${c.id}`}>{inLanguage(c.title, language)}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.linkedRecommendations.length > 0 && (
        <section>
          <h2>{t('item.linkedRecommendations')}</h2>
          <ul>
            {data.linkedRecommendations.map((r) => (
              <li key={r.id}>
                <Link href={`/items/${r.id}`}>{r.citation}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('item.assessments')}</h2>
        {history.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
        {history.state === 'error' && <ProblemMessage problem={history.problem} />}
        {history.state === 'ok' && history.data && history.data.items.length === 0 && (
          <p>{t('item.noAssessments')}</p>
        )}
        {history.state === 'ok' && history.data && history.data.items.length > 0 && (
          <ol class="history">
            {history.data.items.map((entry) => (
              <Assessment entry={entry} key={entry.sequence} />
            ))}
          </ol>
        )}
      </section>
      {canReadAudit(session) && <AuditHistory id={id} key={`audit|${data.updatedAt}`} />}
      {data.commitment && canChangeCommitment(session, data) && (
        <CommitmentActions item={data} onChanged={item.reload} />
      )}
      {canRecordAssessment(session, data) && (
        <AssessmentForm
          target={{ kind: data.kind, id: data.itemId }}
          onRecorded={() => {
            history.reload();
            item.reload();
          }}
        />
      )}
    </article>
  );
};
