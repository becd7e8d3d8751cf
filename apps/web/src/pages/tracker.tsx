import type { CataloguePageBody, DashboardBody, TrackerPageBody } from '@tracker/contracts';
import { useState } from 'preact/hooks';
import { ApiProblem, queryOf } from '../api';
import { useApp } from '../app-context';
import { ProblemMessage } from '../components/problem-message';
import { useLoad } from '../components/use-load';
import { useI18n } from '../i18n/i18n';
import {
  isStatusFilter,
  itemCitation,
  itemTitle,
  itemTitleLang,
  STATUS_FILTERS,
  type StatusFilter,
  type TrackerItem,
} from '../items';
import { Link, useRouter } from '../router';

/** Rows per page unless the URL asks for another number (up to the API's 200). */
const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 200;

const KINDS = ['recommendation', 'commitment'] as const;
type Kind = (typeof KINDS)[number];
const isKind = (v: string | null): v is Kind => v !== null && (KINDS as readonly string[]).includes(v);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The tracker's state, all of it in the URL: `/tracker?status=in-progress&theme=torture&q=…&cursor=…`. */
interface TrackerFilters {
  readonly status: StatusFilter | null;
  readonly kind: Kind | null;
  readonly theme: string | null;
  readonly overdue: boolean;
  readonly q: string | null;
  readonly cursor: string | null;
  /** Null: the default page size (and no `limit` in the URL). */
  readonly limit: number | null;
}

const limitOf = (raw: string | null): number | null => {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_SIZE ? n : null;
};

/** Unknown values in a hand-edited URL are dropped, not sent: the API would answer 400. */
const filtersOf = (query: URLSearchParams): TrackerFilters => {
  const status = query.get('status');
  const kind = query.get('kind');
  const theme = query.get('theme');
  return {
    status: isStatusFilter(status) ? status : null,
    kind: isKind(kind) ? kind : null,
    theme: theme && SLUG.test(theme) ? theme : null,
    overdue: query.get('overdue') === 'true',
    q: query.get('q')?.trim() || null,
    cursor: query.get('cursor'),
    limit: limitOf(query.get('limit')),
  };
};

export const trackerUrl = (f: Partial<TrackerFilters>): string =>
  `/tracker${queryOf({
    status: f.status,
    kind: f.kind,
    theme: f.theme,
    overdue: f.overdue ? 'true' : null,
    q: f.q,
    cursor: f.cursor,
    limit: f.limit ? String(f.limit) : null,
  })}`;

interface Page {
  readonly items: readonly TrackerItem[];
  readonly nextCursor: string | null;
}

/**
 * `/api/tracker` has no text filter yet, the catalogue has one: a text search pages through the
 * catalogue's matches (theme filtered there too) and reads each one's tracker row — recommendations
 * only; status and overdue then apply to the rows read, so a page may hold fewer rows, as the
 * tracker's own combined filters do.
 */
const loadPage = async (
  api: ReturnType<typeof useApp>['api'],
  f: TrackerFilters,
  signal: AbortSignal,
): Promise<Page> => {
  if (!f.q) {
    const page = await api.get<TrackerPageBody>(
      `/api/tracker${queryOf({
        status: f.status,
        kind: f.kind,
        theme: f.theme,
        overdue: f.overdue ? 'true' : null,
        cursor: f.cursor,
        limit: String(f.limit ?? PAGE_SIZE),
      })}`,
      signal,
    );
    return page;
  }
  if (f.kind === 'commitment') return { items: [], nextCursor: null };
  const matches = await api.get<CataloguePageBody>(
    `/api/recommendations${queryOf({ q: f.q, theme: f.theme, cursor: f.cursor, limit: String(f.limit ?? PAGE_SIZE) })}`,
    signal,
  );
  const rows = await Promise.all(
    matches.items.map((m) =>
      api.get<TrackerItem>(`/api/tracker/items/${m.recommendationId}`, signal).catch((err: unknown) => {
        // Just created and not yet in the tracker (its read model is a moment behind): left out.
        if (err instanceof ApiProblem && err.status === 404) return null;
        throw err;
      }),
    ),
  );
  return {
    items: rows.filter(
      (r): r is TrackerItem =>
        r !== null && (!f.status || r.assessmentStatus === f.status) && (!f.overdue || r.overdue),
    ),
    nextCursor: matches.nextCursor,
  };
};

const Counts = ({ dashboard, current }: { dashboard: DashboardBody; current: StatusFilter | null }) => {
  const { t, label, number } = useI18n();
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">{t('tracker.counts')}</h2>
      <ul class="counts">
        <li>
          <Link href={trackerUrl({})}>{t('tracker.total', { count: number(dashboard.totals.items) })}</Link>
        </li>
        {STATUS_FILTERS.map((s) => (
          <li key={s} class={s === current ? 'current' : undefined}>
            <Link href={trackerUrl({ status: s })}>
              <span>{s === 'none' ? t('tracker.notAssessed') : label('status', s)}</span>{' '}
              <strong data-count={s}>{number(dashboard.byStatus[s] ?? 0)}</strong>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
};

const FilterForm = ({ filters, themes }: { filters: TrackerFilters; themes: readonly string[] }) => {
  const { t, label } = useI18n();
  const { navigate } = useRouter();
  // What the reader is choosing; the URL (and so the list) changes only on Apply.
  const [draft, setDraft] = useState({
    status: filters.status ?? '',
    kind: filters.kind ?? '',
    theme: filters.theme ?? '',
    overdue: filters.overdue,
    q: filters.q ?? '',
  });
  const set = (change: Partial<typeof draft>): void => setDraft({ ...draft, ...change });
  const themeChoices = filters.theme && !themes.includes(filters.theme) ? [filters.theme, ...themes] : themes;
  const filtered = filters.status || filters.kind || filters.theme || filters.overdue || filters.q;
  return (
    <form
      class="filters"
      role="search"
      aria-label={t('tracker.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        navigate(
          trackerUrl({
            status: isStatusFilter(draft.status) ? draft.status : null,
            kind: isKind(draft.kind) ? draft.kind : null,
            theme: draft.theme || null,
            overdue: draft.overdue,
            q: draft.q.trim() || null,
            // A page size set in the URL is kept; new filters start at the first page.
            limit: filters.limit,
          }),
        );
      }}
    >
      <div>
        <label for="filter-status">{t('tracker.status')}</label>
        <select
          id="filter-status"
          value={draft.status}
          onChange={(e) => set({ status: e.currentTarget.value })}
        >
          <option value="">{t('tracker.anyStatus')}</option>
          {STATUS_FILTERS.map((s) => (
            <option value={s} key={s}>
              {s === 'none' ? t('tracker.notAssessed') : label('status', s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-kind">{t('tracker.kind')}</label>
        <select id="filter-kind" value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value })}>
          <option value="">{t('tracker.anyKind')}</option>
          {KINDS.map((k) => (
            <option value={k} key={k}>
              {t(k === 'commitment' ? 'kind.commitment' : 'kind.recommendation')}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-theme">{t('item.themes')}</label>
        <select id="filter-theme" value={draft.theme} onChange={(e) => set({ theme: e.currentTarget.value })}>
          <option value="">{t('tracker.anyTheme')}</option>
          {themeChoices.map((theme) => (
            <option value={theme} key={theme}>
              {theme}
            </option>
          ))}
        </select>
      </div>
      <div class="check">
        <input
          id="filter-overdue"
          type="checkbox"
          checked={draft.overdue}
          onChange={(e) => set({ overdue: e.currentTarget.checked })}
        />
        <label for="filter-overdue">{t('tracker.overdueOnly')}</label>
      </div>
      <div>
        <label for="filter-q">{t('tracker.search')}</label>
        <input
          id="filter-q"
          type="search"
          value={draft.q}
          maxLength={200}
          aria-describedby="filter-q-hint"
          onInput={(e) => set({ q: e.currentTarget.value })}
        />
        <p id="filter-q-hint" class="hint">
          {t('tracker.searchHint')}
        </p>
      </div>
      <div class="actions">
        <button type="submit">{t('tracker.apply')}</button>
        {filtered && <Link href={trackerUrl({})}>{t('tracker.clear')}</Link>}
      </div>
    </form>
  );
};

/** The themes that have items, from the dashboard's counts (the tracker keeps no list of its own). */
const themesOf = (dashboard: DashboardBody): string[] =>
  [...new Set(dashboard.byStatusAndTheme.map((c) => c.theme))].filter((th) => th !== 'unthemed').sort();

const Results = ({ page, filters, query }: { page: Page; filters: TrackerFilters; query: string }) => {
  const { t, label, date, language, number } = useI18n();
  return (
    // data-query: which URL these rows answer (tests wait for the rows of the filters they set).
    <section aria-labelledby="results-title" data-query={query}>
      <h2 id="results-title">{t('tracker.results')}</h2>
      <p role="status">{t('tracker.showing', { count: number(page.items.length) })}</p>
      {page.items.length === 0 ? (
        <p>{t('tracker.none')}</p>
      ) : (
        <table class="items">
          <thead>
            <tr>
              <th scope="col">{t('tracker.item')}</th>
              <th scope="col">{t('tracker.kind')}</th>
              <th scope="col">{t('tracker.status')}</th>
              <th scope="col">{t('tracker.lastAssessed')}</th>
              <th scope="col">{t('tracker.overdue')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={item.itemId} data-item-id={item.itemId}>
                <td>
                  <Link href={`/items/${item.itemId}`}>
                    <span lang={itemTitleLang(item, language)}>{itemTitle(item, language)}</span>
                  </Link>
                  <div class="hint">{itemCitation(item)}</div>
                </td>
                <td>{t(item.kind === 'commitment' ? 'kind.commitment' : 'kind.recommendation')}</td>
                <td data-status={item.assessmentStatus}>
                  {item.assessmentStatus === 'none'
                    ? t('tracker.notAssessed')
                    : label('status', item.assessmentStatus)}
                </td>
                <td>{item.latestAssessment ? date(item.latestAssessment.assessedOn) : t('common.never')}</td>
                <td>{item.overdue ? t('common.yes') : t('common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="paging" aria-label={t('tracker.paging')}>
        {filters.cursor && <Link href={trackerUrl({ ...filters, cursor: null })}>{t('tracker.first')}</Link>}
        {page.nextCursor && (
          <Link href={trackerUrl({ ...filters, cursor: page.nextCursor })}>{t('tracker.next')}</Link>
        )}
      </nav>
    </section>
  );
};

export const TrackerPage = () => {
  const { t, language } = useI18n();
  const { api } = useApp();
  const { location } = useRouter();
  const filters = filtersOf(location.query);
  const key = `${location.query.toString()}|${language}`;
  const page = useLoad(key, (signal) => loadPage(api, filters, signal));
  const dashboard = useLoad(`dashboard|${language}`, (signal) =>
    api.get<DashboardBody>('/api/dashboard', signal),
  );
  return (
    <>
      <h1>{t('tracker.title')}</h1>
      {/* A new key remounts the form, so its fields show the URL's filters after back/forward. */}
      <FilterForm
        filters={filters}
        themes={dashboard.state === 'ok' ? themesOf(dashboard.data) : []}
        key={location.query.toString()}
      />
      {dashboard.state === 'ok' && <Counts dashboard={dashboard.data} current={filters.status} />}
      {dashboard.state === 'error' && <ProblemMessage problem={dashboard.problem} />}
      {page.state === 'loading' && <p aria-busy="true">{t('app.loading')}</p>}
      {page.state === 'error' && <ProblemMessage problem={page.problem} />}
      {page.state === 'ok' && (
        <Results page={page.data} filters={filters} query={location.query.toString()} />
      )}
    </>
  );
};
