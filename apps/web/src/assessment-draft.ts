import type { RecordAssessmentRequest } from '@tracker/contracts';
import type { MessageKey } from './i18n/en';
import { ASSESSMENT_STATUSES, type AssessmentStatus } from './items';

/** What the form holds: strings as typed, before validation. */
export interface AssessmentDraft {
  readonly status: string;
  readonly assessedOn: string;
  readonly note: string;
  readonly evidenceSource: string;
  readonly evidenceSummary: string;
  readonly evidenceCitation: string;
  readonly evidenceDate: string;
  readonly evidenceLink: string;
}
export type DraftField = keyof AssessmentDraft;

export const emptyDraft = (today: string): AssessmentDraft => ({
  status: '',
  assessedOn: today,
  note: '',
  evidenceSource: '',
  evidenceSummary: '',
  evidenceCitation: '',
  evidenceDate: '',
  evidenceLink: '',
});

/** A message of the catalogue with its parameters: the form says it in the reader's language. */
export interface FieldMessage {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, number>>;
}
export type DraftErrors = Partial<Record<DraftField, FieldMessage | string>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day: Date.parse takes 2025-02-30 for 2 March, so the day must survive a round trip. */
const isIsoDate = (s: string): boolean => {
  if (!ISO_DATE.test(s)) return false;
  const at = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === s;
};
const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};
const isStatus = (s: string): s is AssessmentStatus => (ASSESSMENT_STATUSES as readonly string[]).includes(s);

/** The API's limits (libs/contracts: RecordAssessmentRequest, Evidence), checked before sending. */
const MAX = {
  note: 5000,
  evidenceSource: 300,
  evidenceSummary: 5000,
  evidenceCitation: 500,
  evidenceLink: 2000,
};

/**
 * The request the draft makes, or why it cannot: the same rules the API applies (a status, a date not in
 * the future, evidence with a source and a summary, an http(s) link), so a reader fixes a field before
 * the round trip. The API still decides; its own field errors are shown the same way (`fieldOfPath`).
 */
export const validateDraft = (
  draft: AssessmentDraft,
  target: RecordAssessmentRequest['target'],
  today: string,
): { request: RecordAssessmentRequest } | { errors: DraftErrors } => {
  const errors: DraftErrors = {};
  const v = (field: DraftField): string => draft[field].trim();
  if (!isStatus(v('status'))) errors.status = { key: 'error.required' };
  if (!v('assessedOn')) errors.assessedOn = { key: 'error.required' };
  else if (!isIsoDate(v('assessedOn'))) errors.assessedOn = { key: 'error.date' };
  else if (v('assessedOn') > today) errors.assessedOn = { key: 'error.future' };
  for (const field of [
    'note',
    'evidenceSource',
    'evidenceSummary',
    'evidenceCitation',
    'evidenceLink',
  ] as const)
    if (v(field).length > MAX[field]) errors[field] = { key: 'error.tooLong', params: { max: MAX[field] } };
  const hasEvidence = [
    'evidenceSource',
    'evidenceSummary',
    'evidenceCitation',
    'evidenceDate',
    'evidenceLink',
  ].some((f) => v(f as DraftField) !== '');
  if (hasEvidence) {
    if (!v('evidenceSource')) errors.evidenceSource ??= { key: 'error.summaryNeeded' };
    if (!v('evidenceSummary')) errors.evidenceSummary ??= { key: 'error.summaryNeeded' };
    if (v('evidenceDate') && !isIsoDate(v('evidenceDate'))) errors.evidenceDate = { key: 'error.date' };
    if (v('evidenceLink') && !isHttpUrl(v('evidenceLink'))) errors.evidenceLink ??= { key: 'error.url' };
  }
  const status = v('status');
  if (Object.keys(errors).length > 0 || !isStatus(status)) return { errors };
  const orNull = (field: DraftField): string | null => v(field) || null;
  return {
    request: {
      target,
      status,
      assessedOn: v('assessedOn'),
      note: orNull('note'),
      evidence: hasEvidence
        ? [
            {
              source: v('evidenceSource'),
              summary: v('evidenceSummary'),
              citation: orNull('evidenceCitation'),
              date: orNull('evidenceDate'),
              dateNote: null,
              link: orNull('evidenceLink'),
              quote: null,
            },
          ]
        : [],
    },
  };
};

const PATHS: Readonly<Record<string, DraftField>> = {
  status: 'status',
  assessedOn: 'assessedOn',
  note: 'note',
  'evidence.0.source': 'evidenceSource',
  'evidence.0.summary': 'evidenceSummary',
  'evidence.0.citation': 'evidenceCitation',
  'evidence.0.date': 'evidenceDate',
  'evidence.0.link': 'evidenceLink',
};

/** The form field a problem+json `errors[].path` names, if the form has one. */
export const fieldOfPath = (path: string): DraftField | undefined =>
  Object.hasOwn(PATHS, path) ? PATHS[path] : undefined;
