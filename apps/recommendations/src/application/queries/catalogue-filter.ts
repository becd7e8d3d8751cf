import type { Filter } from 'mongodb';
import type { CatalogueFilter } from '@tracker/contracts';
import type { Principal } from '@tracker/auth';
import { badRequest } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import type { CatalogueDocument } from '../../infrastructure/recommendation-catalogue.projection';
import { entityKey, queryTokens } from '../../infrastructure/search-tokens';

export type CatalogueRow = ReadModelDocument<CatalogueDocument>;
type SortValue = string;

/** Sort option → stored field. Every sort ends on `_id`, so the order is total and cursors are stable. */
const SORT_FIELDS = { date: 'document.date', citation: 'document.citation', updated: 'updatedAt' } as const;

export interface SortSpec {
  readonly field: (typeof SORT_FIELDS)[keyof typeof SORT_FIELDS];
  readonly direction: 1 | -1;
}

export const sortSpec = (sort: CatalogueFilter['sort']): SortSpec => {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as keyof typeof SORT_FIELDS;
  return { field: SORT_FIELDS[key], direction: desc ? -1 : 1 };
};

/** The MongoDB filter of a catalogue query (only operators FerretDB 1.24 has). Viewers see published items only. */
export const catalogueFilter = (f: CatalogueFilter, principal: Principal): Filter<CatalogueRow> => {
  const and: Filter<CatalogueRow>[] = [];
  if (f.mechanism) and.push({ mechanism: f.mechanism });
  if (f.entity) and.push({ entityKeys: entityKey(f.entity) });
  if (f.theme) and.push({ themes: f.theme });
  if (f.group) and.push({ affectedGroups: f.group });
  if (f.position === 'none') and.push({ position: null });
  else if (f.position) and.push({ 'position.value': f.position });
  if (f.cycle !== undefined) and.push({ 'upr.cycle': f.cycle });
  if (f.cluster) and.push({ clusterKey: f.cluster });
  if (principal.role === 'viewer') and.push({ published: true });
  else if (f.published !== undefined) and.push({ published: f.published });
  if (f.q) {
    const tokens = queryTokens(f.q);
    if (tokens.length > 0) and.push({ searchTokens: { $all: tokens } });
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0]! : { $and: and };
};

const valueAt = (doc: CatalogueRow, field: SortSpec['field']): SortValue => {
  switch (field) {
    case 'document.date':
      return doc.document.date;
    case 'document.citation':
      return doc.document.citation;
    case 'updatedAt':
      return doc.updatedAt;
  }
};

/** Opaque cursor: the sort key of the last item of the page (value and id), base64url JSON. */
export const encodeCursor = (doc: CatalogueRow, spec: SortSpec): string =>
  Buffer.from(JSON.stringify([valueAt(doc, spec.field), doc._id])).toString('base64url');

export const cursorFilter = (cursor: string, spec: SortSpec): Filter<CatalogueRow> => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string'
  )
    throw badRequest('bad-cursor', 'cursor is not one this API gave out; start again without it');
  const [value, id] = decoded as [string, string];
  const op = spec.direction === 1 ? '$gt' : '$lt';
  return {
    $or: [{ [spec.field]: { [op]: value } }, { [spec.field]: value, _id: { [op]: id } }],
  };
};
