import type { CommitmentPageBody, DashboardBody, TrackerPageBody } from '@tracker/contracts';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import { useState } from 'preact/hooks';
import { inLanguage, itemTitle, itemTitleLang, STATUS_FILTERS, type StatusFilter } from '../items';
import { type ApiProblem, problemOfError, queryOf, saveFile } from '../api';
import { Link } from '../router';
import { trackerUrl } from './tracker';

/** Word, as REPORT_MEDIA_TYPES.docx in libs/contracts/src/reports (a value import would bundle zod). */
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The implementation report (GET /api/reports/implementation, issue #17) as Word, at a reporting date
 * (today by default), in the reader's language.
 */
const ReportDownload = () => {
  const { t, language } = useI18n();
  const { api } = useApp();
  const today = new Date().toISOString().slice(0, 10);
  const [asOf, setAsOf] = useState(today);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const download = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const file = await api.download(
        `/api/reports/implementation${queryOf({ asOf: asOf || today, lang: language })}`,
        DOCX,
      );
      saveFile(file, `implementation-report-${asOf || today}-${language}.docx`);
    } catch (err) {
      setProblem(problemOfError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">{t('report.title')}</h2>
      <form class="report" onSubmit={(e) => void download(e)}>
        <label for="report-as-of">{t('report.asOf')}</label>{' '}
        <input
          id="report-as-of"
          type="date"
          max={today}
          value={asOf}
          onInput={(e) => setAsOf(e.currentTarget.value)}
        />{' '}
        <button type="submit" id="report-download" disabled={busy} aria-busy={busy}>
          {busy ? t('report.downloading') : t('report.download')}
        </button>
      </form>
      {problem && <ProblemMessage problem={problem} />}
    </section>
  );
};

interface Cell {
  readonly status: string;
  readonly count: number;
}

/**
 * A stacked bar per group (a theme, a cluster): one segment per status, as wide as its share of the
 * largest group, each a link to the tracker view behind it and named for screen readers ("torture —
 * Implemented: 3"). Plain elements and CSS, no chart library: a handful of bars does not need one, and
 * the bundle stays small. Widths are set through the DOM (the CSP forbids style attributes in markup).
 */
const StackedBars = ({
  id,
  groups,
  cells,
  nameOf,
  urlOf,
}: {
  id: string;
  groups: readonly string[];
  cells: ReadonlyMap<string, readonly Cell[]>;
  nameOf: (group: string) => string;
  urlOf: (group: string, status: StatusFilter) => string | null;
}) => {
  const { t, label, number } = useI18n();
  const totals = groups.map((g) => (cells.get(g) ?? []).reduce((n, c) => n + c.count, 0));
  const max = Math.max(1, ...totals);
  const statusName = (s: StatusFilter): string =>
    s === 'none' ? t('tracker.notAssessed') : label('status', s);
  return (
    <figure class="bars" id={id}>
      <ul class="legend" aria-hidden="true">
        {STATUS_FILTERS.map((s) => (
          <li key={s}>
            <span class={`swatch status-${s}`} /> {statusName(s)}
          </li>
        ))}
      </ul>
      <ul class="bar-list">
        {groups.map((g, i) => (
          <li key={g} data-group={g}>
            <span class="bar-label">
              {nameOf(g)} <span class="hint">({number(totals[i] ?? 0)})</span>
            </span>
            <span class="bar">
              {STATUS_FILTERS.map((s) => {
                const n = (cells.get(g) ?? []).find((c) => c.status === s)?.count ?? 0;
                if (n === 0) return null;
                const href = urlOf(g, s);
                const name = `${nameOf(g)} — ${statusName(s)}: ${number(n)}`;
                const width = { width: `${(100 * n) / max}%` };
                return href ? (
                  <Link key={s} href={href} class={`seg status-${s}`} label={name} style={width}>
                    {number(n)}
                  </Link>
                ) : (
                  <span key={s} class={`seg status-${s}`} role="img" aria-label={name} style={width}>
                    {number(n)}
                  </span>
                );
              })}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
};

/** Cells by group, from the dashboard's flat list. */
const byGroup = <C extends Cell>(cells: readonly C[], groupOf: (c: C) => string): Map<string, C[]> => {
  const out = new Map<string, C[]>();
  for (const c of cells) out.set(groupOf(c), [...(out.get(groupOf(c)) ?? []), c]);
  return out;
};

/** Status × cluster (the largest clusters), each segment a link to that cluster's view in the tracker. */
const ByCluster = ({ dashboard }: { dashboard: DashboardBody }) => {
  const { t } = useI18n();
  const cells = byGroup(dashboard.byStatusAndCluster, (c) => c.cluster);
  const total = (g: string): number => (cells.get(g) ?? []).reduce((n, c) => n + c.count, 0);
  const clusters = [...cells.keys()].sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  return (
    <section aria-labelledby="by-cluster-title">
      <h2 id="by-cluster-title">{t('dashboard.byCluster')}</h2>
      {clusters.length === 0 ? (
        <p>{t('dashboard.noClusters')}</p>
      ) : (
        <StackedBars
          id="chart-clusters"
          groups={clusters}
          cells={cells}
          nameOf={(c) => c}
          urlOf={(cluster, status) => trackerUrl({ cluster, status })}
        />
      )}
    </section>
  );
};

/** Status × theme as a chart and as a table of links: each figure opens the tracker view behind it. */
const ByTheme = ({ dashboard }: { dashboard: DashboardBody }) => {
  const { t, label, number } = useI18n();
  const counts = new Map(dashboard.byStatusAndTheme.map((c) => [`${c.theme}|${c.status}`, c.count]));
  const themes = [...new Set(dashboard.byStatusAndTheme.map((c) => c.theme))].sort();
  return (
    <section aria-labelledby="by-theme-title">
      <h2 id="by-theme-title">{t('dashboard.byTheme')}</h2>
      <StackedBars
        id="chart-themes"
        groups={themes}
        cells={byGroup(dashboard.byStatusAndTheme, (c) => c.theme)}
        nameOf={(theme) => (theme === 'unthemed' ? t('dashboard.unthemed') : theme)}
        urlOf={(theme, status) => (theme === 'unthemed' ? null : trackerUrl({ status, theme }))}
      />
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
/** How many items with no recent assessment the dashboard lists; the tracker's `stale` view has all. */
const STALE_SHOWN = 10;

/**
 * Items with no recent assessment (the stale check's finding, `GET /api/tracker?stale=true`): the first
 * ones, and a link to the tracker view of them all.
 */
const NoRecentAssessment = () => {
  const { t, date, language } = useI18n();
  const { api } = useApp();
  const stale = useLoad(`stale|${language}`, (signal) =>
    api.get<TrackerPageBody>(`/api/tracker${queryOf({ stale: 'true', limit: String(STALE_SHOWN) })}`, signal),
  );
  return (
    <section aria-labelledby="stale-title">
      <h2 id="stale-title">{t('dashboard.stale')}</h2>
      {stale.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {stale.state === 'error' && <ProblemMessage problem={stale.problem} />}
      {stale.state === 'ok' && stale.data.items.length === 0 && <p>{t('dashboard.noneStale')}</p>}
      {stale.state === 'ok' && stale.data.items.length > 0 && (
        <>
          <ul class="overdue" data-stale>
            {stale.data.items.map((item) => (
              <li key={item.itemId}>
                <Link href={`/items/${item.itemId}`}>
                  <span lang={itemTitleLang(item, language)}>{itemTitle(item, language)}</span>
                </Link>
                {item.staleSince && (
                  <span class="hint"> — {t('dashboard.staleSince', { date: date(item.staleSince) })}</span>
                )}
              </li>
            ))}
          </ul>
          <p>
            <Link href={trackerUrl({ stale: true })}>{t('dashboard.allStale')}</Link>
          </p>
        </>
      )}
    </section>
  );
};

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
      <NoRecentAssessment />
      <ByTheme dashboard={d} />
      <ByCluster dashboard={d} />
      <ReportDownload />
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
