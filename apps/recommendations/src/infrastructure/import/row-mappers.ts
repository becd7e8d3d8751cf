import { createHash } from 'node:crypto';
import { canonicalJson, type Mechanism, type PositionValue } from '@tracker/contracts';
import { foldText } from '@tracker/platform';
import { normaliseHeader } from './columns';

/**
 * Pure mapping from one source row to the API's create shape (validated afterwards by the same schema
 * as `POST /api/recommendations`). `derivedKey` says the natural key was computed from the row rather
 * than given, so the importer may disambiguate two different rows that derive the same key.
 */
export interface MappedRow {
  readonly request: Record<string, unknown>;
  readonly derivedKey: boolean;
}

export type CellValue = string | number | boolean | Date | null;
export type SourceRecord = ReadonlyMap<string, CellValue>;

export const recordOf = (headers: readonly string[], values: readonly CellValue[]): SourceRecord => {
  const m = new Map<string, CellValue>();
  headers.forEach((h, i) => {
    const key = normaliseHeader(h);
    if (key && !m.has(key)) m.set(key, values[i] ?? null);
  });
  return m;
};

const str = (v: CellValue | undefined): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
};

export const slugify = (s: string, max = 80): string =>
  foldText(s)
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');

/** UHRI multi-value cells: one value per line, each prefixed "- ". */
export const multiValues = (v: CellValue | undefined): string[] =>
  str(v)
    .split(/\r\n|\r|\n/)
    .map((x) => x.replace(/^\s*[-•*]\s*/, '').trim())
    .filter(Boolean);

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel serial day numbers (UHRI's dates), Date cells, ISO or day/month/year strings → YYYY-MM-DD. */
export const isoDateOf = (v: CellValue | undefined): string | null => {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'string' && /^\d{4}(-\d{2})?$/.test(v.trim())) return v.trim();
  if (typeof v === 'number' || /^\d+(\.\d+)?$/.test(String(v).trim())) {
    const n = Number(v);
    if (n < 1 || n > 2_958_465) return null;
    return new Date(EXCEL_EPOCH_MS + Math.floor(n) * 86_400_000).toISOString().slice(0, 10);
  }
  const s = String(v).trim();
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  if (iso) return iso[1]!;
  if (/^\d{4}(-\d{2})?$/.test(s)) return s; // year or month precision, as the source gave it
  const dmy = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  return null;
};

export const positionOf = (raw: string): PositionValue | null => {
  const s = foldText(raw).trim();
  if (!s) return null;
  if (/part/.test(s)) return 'supported-in-part';
  if (/^(support|accept|agree|implement)/.test(s)) return 'supported';
  if (/^(note|reject|not accept)/.test(s)) return 'noted';
  if (/^(pending|consider|defer)/.test(s)) return 'pending';
  return null;
};

const MECHANISM_PATTERNS: readonly [RegExp, Mechanism][] = [
  [/universal periodic|^upr$/, 'upr'],
  [/special procedure|special rapporteur|independent expert|working group/, 'special-procedure'],
  [/treaty|committee/, 'treaty-body'],
  [/security council/, 'security-council'],
  [/secretary.general/, 'secretary-general'],
  [/resolution|human rights council/, 'hrc-resolution'],
  [/high commissioner|ohchr/, 'ohchr'],
  [/ngo|non.governmental|civil society/, 'ngo'],
];

export const mechanismOf = (type: string, fallback: Mechanism): string => {
  const s = foldText(type).trim();
  if (!s) return fallback;
  const exact = s.replace(/\s+/g, '-');
  for (const [re, m] of MECHANISM_PATTERNS) if (re.test(s) || exact === m) return m;
  return exact; // the schema names it as an unknown mechanism
};

/** UPR cycles by session: cycle 1 = sessions 1-12, then 14 sessions a cycle. */
export const uprCycleOfSession = (session: number): number =>
  session <= 12 ? 1 : Math.min(10, 2 + Math.floor((session - 13) / 14));

const intOf = (v: CellValue | undefined): number | null => {
  const m = /\d+/.exec(str(v));
  return m ? Number(m[0]) : null;
};

const shortHash = (v: unknown): string =>
  createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 16);

const yes = (v: CellValue | undefined): boolean => /^(true|yes|y|1|oui)$/i.test(str(v));

/** One row of UHRI's XLSX export (or of our own export, which adds the Tracker columns). */
export const mapUhriRow = (r: SourceRecord): MappedRow => {
  const get = (k: string): CellValue | undefined => r.get(k);
  const states = multiValues(get('upr recommending states'));
  const bodies = multiValues(get('recommending body'));
  const session = intOf(get('upr session'));
  const explicitMechanism = str(get('mechanism'));
  const mechanism =
    explicitMechanism || mechanismOf(str(get('type')), states.length > 0 ? 'upr' : 'treaty-body');
  const symbol = str(get('document symbol')) || null;
  const paragraph = str(get('paragraph')) || null;
  const date = isoDateOf(get('document publication date'));
  const annotationId = str(get('ohchr annotation id'));
  const positionValue = positionOf(str(get('upr position')));
  const cycleCell = intOf(get('upr cycle'));
  const entities = states.length > 0 ? states : bodies;
  const text = { en: str(get('text')), fr: str(get('text fr')) || null };
  const citation =
    str(get('citation')) ||
    [symbol ?? 'UHRI', paragraph ? `para ${paragraph}` : null, annotationId ? `(UHRI ${annotationId})` : null]
      .filter(Boolean)
      .join(' ');
  const cluster = str(get('cluster'));
  const request: Record<string, unknown> = {
    mechanism,
    recommendingEntities: entities,
    document: { symbol, paragraph, citation, date },
    ...(mechanism === 'upr' && (session !== null || cycleCell !== null)
      ? { upr: { cycle: cycleCell ?? uprCycleOfSession(session ?? 1), session } }
      : {}),
    text,
    themes: multiValues(get('themes')).map((t) => slugify(t)),
    affectedGroups: multiValues(get('affected persons')).map((t) => slugify(t)),
    sdgTargets: multiValues(get('sdgs'))
      .map((s) => /\d{1,2}\.[0-9a-z]{1,2}/.exec(s.toLowerCase())?.[0])
      .filter((s): s is string => Boolean(s)),
    ...(positionValue
      ? {
          position: {
            value: positionValue,
            date: isoDateOf(get('position date')),
            source: str(get('position source')) || null,
          },
        }
      : {}),
    ...(cluster ? { clusterKey: cluster } : {}),
    published: yes(get('published')),
  };
  const given = str(get('external key')) || (annotationId ? `uhri-${slugify(annotationId, 120)}` : '');
  if (given) return { request: { externalKey: given, ...request }, derivedKey: false };
  return { request: { externalKey: `uhri-${shortHash(request)}`, ...request }, derivedKey: true };
};

const titleCase = (s: string): string =>
  s.replace(/\S+/g, (w) =>
    w.length <= 3 && /^(of|and|the)$/i.test(w) ? w : w[0]!.toUpperCase() + w.slice(1),
  );

/**
 * Text of the research CSV as found: a paragraph number first (`69.1`, `78.1.1..2`, `93.1.`), stray
 * `);` suffixes, quotes around the whole text, apostrophes mangled into letters (`womenÕs`,
 * `childrenÍs`) and typographic quotes.
 */
export const cleanResearchText = (raw: string): { paragraph: string | null; text: string } => {
  let t = raw
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/(?<=\p{L})[ÕÍ](?=(?:s|t|ll|re|ve|d|m)\b)/gu, "'")
    .trim();
  t = t.replace(/^"+/, '').trim();
  for (let prev = ''; prev !== t;) {
    prev = t;
    t = t
      .replace(/\s+\)\s*;?\s*$/, '')
      .replace(/"\s*;?\s*$/, '')
      .replace(/\s*;\s*$/, '')
      .trim();
  }
  const m = /^(\d+(?:\.+\d+)*)\.?(?:\s+|$)/.exec(t);
  if (!m) return { paragraph: null, text: t };
  return { paragraph: m[1]!.replace(/\.+/g, '.'), text: t.slice(m[0].length).trim() };
};

const DECISIONS: Record<string, PositionValue> = {
  support: 'supported',
  supported: 'supported',
  implemented: 'supported',
  implement: 'supported',
  consider: 'pending',
  reject: 'noted',
  rejected: 'noted',
  noted: 'noted',
};

/** One row of the research CSV (text,to,decision,from,year,notes). */
export const mapResearchRow = (r: SourceRecord): MappedRow => {
  const { paragraph, text } = cleanResearchText(str(r.get('text')));
  const state = titleCase(str(r.get('to')).replace(/\s+/g, ' '));
  const year = str(r.get('year'));
  const from = str(r.get('from'));
  const entities = from
    .split(/\s*[,;]\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  const decision = DECISIONS[foldText(str(r.get('decision')))] ?? null;
  const para = paragraph ?? `x${shortHash(text).slice(0, 8)}`;
  const externalKey = `upr-${slugify(year, 8)}-${slugify(state, 60)}-${para}-${slugify(from, 80)}`;
  return {
    derivedKey: true,
    request: {
      externalKey,
      mechanism: 'upr',
      recommendingEntities: entities,
      document: {
        symbol: null,
        paragraph,
        citation: `UPR ${state} ${year}${paragraph ? `, para ${paragraph}` : ''} (${from})`,
        date: /^\d{4}$/.test(year) ? `${year}-01-01` : year,
      },
      upr: { cycle: 1, session: null },
      text: { en: text, fr: null },
      ...(decision ? { position: { value: decision, date: null, source: null } } : {}),
      published: false,
    },
  };
};

/** One line of JSON lines: the API's create shape as is; a line without externalKey gets one from its content. */
export const mapJsonLine = (value: unknown): MappedRow => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { request: { invalid: value }, derivedKey: false };
  const obj = value as Record<string, unknown>;
  if (typeof obj.externalKey === 'string' && obj.externalKey) return { request: obj, derivedKey: false };
  return { request: { ...obj, externalKey: `jsonl-${shortHash(obj)}` }, derivedKey: true };
};
