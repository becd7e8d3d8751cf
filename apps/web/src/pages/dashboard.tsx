import type { CommitmentPageBody, DashboardBody } from '@tracker/contracts';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { inLanguage, STATUS_FILTERS } from '../items';
import { queryOf } from '../api';
import { Link } from '../router';
import { trackerUrl } from './tracker';

/** Status × theme as a table of links: each figure opens the tracker view behind it. */
const ByTheme = ({ dashboard }: { dashboard: DashboardBody }) => {
  const { t, label, number } = useI18n();
  const counts = new Map(dashboard.byStatusAndTheme.map((c) => [`${c.theme}|${c.status}`, c.count]));
  const themes = [...new Set(dashboard.byStatusAndTheme.map((c) => c.theme))].sort();
  return (
    <section aria-labelledby="by-theme-title">
      <h2 id="by-theme-title">{t('dashboard.byTheme')}</h2>
      <div class="scroll">
        <table class="matrix">
          <thead>
            <tr>
              <th scope="col">{t('item.themes')}</th>
              {STATUS_FILTERS.map((s) => (
                <th scope="col" key={s}>
                  {s === 'none' ? t('tracker.notAssessed') : label('status', s)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {themes.map((theme) => (
              <tr key={theme} data-theme={theme}>
                <th scope="row">{theme === 'unthemed' ? t('dashboard.unthemed') : theme}</th>
                {STATUS_FILTERS.map((s) => {
                  const n = counts.get(`${theme}|${s}`) ?? 0;
                  return (
                    <td key={s} data-status={s}>
                      {n > 0 && theme !== 'unthemed' ? (
                        <Link href={trackerUrl({ status: s, theme })}>{number(n)}</Link>
                      ) : (
                        number(n)
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};

const DUE_SOON_DAYS = 30;
const dayOffset = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Open commitments due from today to 30 days ahead, soonest first (the commitments API's date filters). */
const DueSoon = () => {
  const { t, date, language } = useI18n();
  const { api } = useApp();
  const due = useLoad(`due-soon|${language}`, (signal) =>
    api.get<CommitmentPageBody>(
      `/api/commitments${queryOf({
        status: 'open',
        // Both bounds are strict: after yesterday, before the day after the 30th.
        dueAfter: dayOffset(-1),
        dueBefore: dayOffset(DUE_SOON_DAYS + 1),
        limit: '100',
      })}`,
      signal,
    ),
  );
  return (
    <section aria-labelledby="due-soon-title">
      <h2 id="due-soon-title">{t('dashboard.dueSoon', { days: DUE_SOON_DAYS })}</h2>
      {due.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {due.state === 'error' && <ProblemMessage problem={due.problem} />}
      {due.state === 'ok' && due.data.items.length === 0 && <p>{t('dashboard.noneDueSoon')}</p>}
      {due.state === 'ok' && due.data.items.length > 0 && (
        <ul class="overdue" data-due-soon>
          {[...due.data.items]
            .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
            .map((c) => (
              <li key={c.commitmentId}>
                <Link href={`/items/${c.commitmentId}`}>
                  <span lang={language === 'fr' && !c.title.fr ? 'en' : undefined}>
                    {inLanguage(c.title, language)}
                  </span>
                </Link>
                <div class="hint">
                  {t('item.dueDate')} {date(c.dueDate)} · {c.institutions.join(', ')}
                </div>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
};

export const DashboardPage = () => {
  const { t, number, date, label, language } = useI18n();
  const { api } = useApp();
  const dashboard = useLoad(`dashboard|${language}`, (signal) =>
    api.get<DashboardBody>('/api/dashboard', signal),
  );
  if (dashboard.state === 'loading') return <p aria-busy="true">{t('app.loading')}</p>;
  if (dashboard.state === 'error') return <ProblemMessage problem={dashboard.problem} />;
  const d = dashboard.data;
  const totals: readonly { key: Parameters<typeof t>[0]; count: number; href: string }[] = [
    { key: 'dashboard.items', count: d.totals.items, href: trackerUrl({}) },
    {
      key: 'dashboard.recommendations',
      count: d.totals.recommendations,
      href: trackerUrl({ kind: 'recommendation' }),
    },
    { key: 'dashboard.commitments', count: d.totals.commitments, href: trackerUrl({ kind: 'commitment' }) },
    { key: 'dashboard.unassessed', count: d.totals.unassessed, href: trackerUrl({ status: 'none' }) },
    {
      key: 'dashboard.overdue',
      count: d.totals.overdueCommitments,
      href: trackerUrl({ kind: 'commitment', overdue: true }),
    },
  ];
  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <ul class="counts totals">
        {totals.map((x) => (
          <li key={x.key}>
            <Link href={x.href}>
              <span>{t(x.key)}</span> <strong>{number(x.count)}</strong>
            </Link>
          </li>
        ))}
      </ul>
      <DueSoon />
      <ByTheme dashboard={d} />
      <section aria-labelledby="overdue-title">
        <h2 id="overdue-title">{t('dashboard.overdueCommitments')}</h2>
        {d.overdueCommitments.length === 0 ? (
          <p>{t('dashboard.noneOverdue')}</p>
        ) : (
          <ul class="overdue">
            {d.overdueCommitments.map((c) => (
              <li key={c.id}>
                <Link href={`/items/${c.id}`}>
                  <span lang={language === 'fr' && !c.title.fr ? 'en' : undefined}>
                    {inLanguage(c.title, language)}
                  </span>
                </Link>
                <div class="hint">
                  {t('item.overdueSince', { date: date(c.overdueSince) })} ·{' '}
                  {c.assessmentStatus === 'none'
                    ? t('tracker.notAssessed')
                    : label('status', c.assessmentStatus)}{' '}
                  · {c.institutions.join(', ')}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
};
