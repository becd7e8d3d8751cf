import { entityKey, searchTokens } from '@tracker/platform';
import type { TrackerItem } from './tracker-item.projection';
import {
  ALL,
  assessedList,
  clusterList,
  entityList,
  institutionList,
  kindList,
  mechanismList,
  PUBLIC,
  staleList,
  statusList,
  themeList,
} from './tracker-keys';

export const isPublic = (row: TrackerItem): boolean =>
  row.known && (row.kind === 'commitment' || row.recommendation?.published === true);

/** The lists a known row is in (tracker-keys.ts); a commitment's themes come from its links, at read time. */
export const listsOf = (row: TrackerItem): string[] => {
  if (!row.known) return [];
  const r = row.recommendation;
  return [
    ALL,
    ...(isPublic(row) ? [PUBLIC] : []),
    kindList(row.kind),
    statusList(row.assessmentStatus),
    assessedList(row.assessmentStatus !== 'none'),
    staleList(Boolean(row.staleSince)),
    ...(r ? [mechanismList(r.mechanism)] : []),
    ...unique((r?.recommendingEntities ?? []).map(entityKey)).map(entityList),
    ...(row.commitment?.institutions ?? []).map(institutionList),
    ...(r?.themes ?? []).map(themeList),
    ...(r?.clusterKey ? [clusterList(r.clusterKey)] : []),
  ];
};

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** The words `q` finds the row by: a recommendation's text (en, fr) and citation, a commitment's title and text. */
export const wordsOf = (row: TrackerItem): string[] => {
  if (!row.known) return [];
  const r = row.recommendation;
  const c = row.commitment;
  return searchTokens(r?.text.en, r?.text.fr, r?.citation, c?.title.en, c?.title.fr, c?.text);
};
