import type { DashboardBody, TrackerPageBody } from '@tracker/contracts';
import { useState } from 'preact/hooks';
import { LABELS } from '../../../../libs/contracts/src/labels';
import { type ApiProblem, problemOfError, queryOf, saveFile, type ApiClient } from '../api';
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
} from '../items';
import { Link, useRouter } from '../router';

/** Rows per page unless the URL asks for another number (up to the API's 200). */
const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 200;

const KINDS = ['recommendation', 'commitment'] as const;
type Kind = (typeof KINDS)[number];
const isKind = (v: string | null): v is Kind => v !== null && (KINDS as readonly string[]).includes(v);
type Mechanism = keyof typeof LABELS.mechanism;
/** The mechanisms the API knows, from the contracts' zod-free label table (the same keys as its enum). */
const MECHANISMS = Object.keys(LABELS.mechanism) as Mechanism[];
const isMechanism = (v: string | null): v is Mechanism =>
  v !== null && (MECHANISMS as readonly string[]).includes(v);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The tracker's state, all of it in the URL: `/tracker?status=in-progress&theme=torture&q=…&cursor=…`. */
interface TrackerFilters {
  readonly status: StatusFilter | null;
  readonly kind: Kind | null;
  readonly theme: string | null;
  readonly cluster: string | null;
  readonly institution: string | null;
  readonly mechanism: Mechanism | null;
  /** A recommending state or body, by name. */
  readonly entity: string | null;
  readonly overdue: boolean;
  readonly stale: boolean;
  readonly q: string | null;
  readonly cursor: string | null;
  /** Null: the default page size (and no `limit` in the URL). */
  readonly limit: number | null;
}

const limitOf = (raw: string | null): number | null => {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_SIZE ? n : null;
};
const slugOf = (raw: string | null): string | null => (raw && SLUG.test(raw) ? raw : null);
const textOf = (raw: string | null): string | null => raw?.trim().slice(0, 200) || null;

/** Unknown values in a hand-edited URL are dropped, not sent: the API would answer 400. */
const filtersOf = (query: URLSearchParams): TrackerFilters => {
  const status = query.get('status');
  const kind = query.get('kind');
  const mechanism = query.get('mechanism');
  return {
    status: isStatusFilter(status) ? status : null,
    kind: isKind(kind) ? kind : null,
    theme: slugOf(query.get('theme')),
    cluster: slugOf(query.get('cluster')),
    institution: slugOf(query.get('institution')),
    mechanism: isMechanism(mechanism) ? mechanism : null,
    entity: textOf(query.get('entity')),
    overdue: query.get('overdue') === 'true',
    stale: query.get('stale') === 'true',
    q: textOf(query.get('q')),
    cursor: query.get('cursor'),
    limit: limitOf(query.get('limit')),
  };
};

/** The filters as the API and the URL name them (the page's URL and /api/tracker take the same). */
const filterParams = (f: Partial<TrackerFilters>): Record<string, string | null | undefined> => ({
  status: f.status,
  kind: f.kind,
  theme: f.theme,
  cluster: f.cluster,
  institution: f.institution,
  mechanism: f.mechanism,
  entity: f.entity,
  overdue: f.overdue ? 'true' : null,
  stale: f.stale ? 'true' : null,
  q: f.q,
});

export const trackerUrl = (f: Partial<TrackerFilters>): string =>
  `/tracker${queryOf({ ...filterParams(f), cursor: f.cursor, limit: f.limit ? String(f.limit) : null })}`;

const loadPage = (api: ApiClient, f: TrackerFilters, signal: AbortSignal): Promise<TrackerPageBody> =>
  api.get<TrackerPageBody>(
    `/api/tracker${queryOf({ ...filterParams(f), cursor: f.cursor, limit: String(f.limit ?? PAGE_SIZE) })}`,
    signal,
  );

type Page = TrackerPageBody;

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

/** A text field of the filter form (cluster, institution, state or body). */
const TextFilter = ({
  id,
  label,
  hint,
  value,
  onInput,
}: {
  id: string;
  label: string;
  hint: string | null;
  value: string;
  onInput: (v: string) => void;
}) => (
  <div>
    <label for={id}>{label}</label>
    <input
      id={id}
      type="text"
      value={value}
      maxLength={200}
      aria-describedby={hint ? `${id}-hint` : undefined}
      onInput={(e) => onInput(e.currentTarget.value)}
    />
    {hint && (
      <p id={`${id}-hint`} class="hint">
        {hint}
      </p>
    )}
  </div>
);

const FilterForm = ({ filters, themes }: { filters: TrackerFilters; themes: readonly string[] }) => {
  const { t, label } = useI18n();
  const { navigate } = useRouter();
  // What the reader is choosing; the URL (and so the list) changes only on Apply.
  const [draft, setDraft] = useState({
    status: filters.status ?? '',
    kind: filters.kind ?? '',
    theme: filters.theme ?? '',
    cluster: filters.cluster ?? '',
    institution: filters.institution ?? '',
    mechanism: filters.mechanism ?? '',
    entity: filters.entity ?? '',
    overdue: filters.overdue,
    stale: filters.stale,
    q: filters.q ?? '',
  });
  const set = (change: Partial<typeof draft>): void => setDraft({ ...draft, ...change });
  const themeChoices = filters.theme && !themes.includes(filters.theme) ? [filters.theme, ...themes] : themes;
  const filtered = Object.values(filterParams(filters)).some(Boolean);
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
            // A slug typed with capitals or spaces is made one; anything else is dropped by filtersOf.
            cluster: slugOf(draft.cluster.trim().toLowerCase().replace(/\s+/g, '-')),
            institution: slugOf(draft.institution.trim().toLowerCase().replace(/\s+/g, '-')),
            mechanism: isMechanism(draft.mechanism) ? draft.mechanism : null,
            entity: textOf(draft.entity),
            overdue: draft.overdue,
            stale: draft.stale,
            q: textOf(draft.q),
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
      <div>
        <label for="filter-mechanism">{t('tracker.mechanism')}</label>
        <select
          id="filter-mechanism"
          value={draft.mechanism}
          onChange={(e) => set({ mechanism: e.currentTarget.value })}
        >
          <option value="">{t('tracker.anyMechanism')}</option>
          {MECHANISMS.map((m) => (
            <option value={m} key={m}>
              {label('mechanism', m)}
            </option>
          ))}
        </select>
      </div>
      <TextFilter
        id="filter-entity"
        label={t('tracker.entity')}
        hint={t('tracker.entityHint')}
        value={draft.entity}
        onInput={(entity) => set({ entity })}
      />
      <TextFilter
        id="filter-institution"
        label={t('tracker.institution')}
        hint={t('tracker.slugHint', { example: 'ministry-of-justice' })}
        value={draft.institution}
        onInput={(institution) => set({ institution })}
      />
      <TextFilter
        id="filter-cluster"
        label={t('tracker.cluster')}
        hint={null}
        value={draft.cluster}
        onInput={(cluster) => set({ cluster })}
      />
      <div class="check">
        <input
          id="filter-overdue"
          type="checkbox"
          checked={draft.overdue}
          onChange={(e) => set({ overdue: e.currentTarget.checked })}
        />
        <label for="filter-overdue">{t('tracker.overdueOnly')}</label>
      </div>
      <div class="check">
        <input
          id="filter-stale"
          type="checkbox"
          checked={draft.stale}
          onChange={(e) => set({ stale: e.currentTarget.checked })}
        />
        <label for="filter-stale">{t('tracker.staleOnly')}</label>
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

/**
 * The filtered view as a file (every page, not only this one): the API streams it; the page fetches it
 * with the bearer token (a plain link would carry none) and hands it to the browser as a download.
 */
const Export = ({ filters }: { filters: TrackerFilters }) => {
  const { t } = useI18n();
  const { api } = useApp();
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const download = async (format: 'csv' | 'xlsx'): Promise<void> => {
    setBusy(format);
    setProblem(null);
    try {
      const file = await api.download(`/api/tracker/export${queryOf({ ...filterParams(filters), format })}`);
      saveFile(file, `tracker.${format}`);
    } catch (err) {
      setProblem(problemOfError(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="export">
      <span id="export-label">{t('tracker.export')}</span>{' '}
      {(['csv', 'xlsx'] as const).map((f) => (
        <button
          type="button"
          key={f}
          id={`export-${f}`}
          aria-describedby="export-label"
          disabled={busy !== null}
          aria-busy={busy === f}
          onClick={() => void download(f)}
        >
          {t(f === 'csv' ? 'tracker.exportCsv' : 'tracker.exportXlsx')}
        </button>
      ))}
      {problem && <ProblemMessage problem={problem} />}
    </div>
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
      <Export filters={filters} />
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
