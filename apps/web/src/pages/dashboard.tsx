import type { DashboardBody } from '@tracker/contracts';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { inLanguage, STATUS_FILTERS } from '../items';
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
