/** Human-readable lines for an item's audit timeline, in English or French. */
// The answer's shape is the contracts' (the web app reads it too).
import type { TimelineEntry } from '../../../../libs/contracts/src/audit-timeline';
export type Lang = 'en' | 'fr';

export interface TimelineEvent {
  readonly service: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: number | null;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: {
    readonly actor: string;
    readonly role: string;
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly reason?: string | null;
  };
}

const WHAT: Record<string, Record<Lang, string>> = {
  'recommendation.created': { en: 'recorded the recommendation', fr: 'a enregistré la recommandation' },
  'recommendation.text-revised': {
    en: 'revised the recommendation text',
    fr: 'a révisé le texte de la recommandation',
  },
  'recommendation.tagged': {
    en: 'changed the recommendation themes',
    fr: 'a modifié les thèmes de la recommandation',
  },
  'recommendation.position-recorded': {
    en: "recorded the state's position",
    fr: "a enregistré la position de l'État",
  },
  'recommendation.cluster-assigned': {
    en: 'grouped the recommendation in a cluster',
    fr: 'a regroupé la recommandation',
  },
  'recommendation.published': { en: 'published the recommendation', fr: 'a publié la recommandation' },
  'recommendation.unpublished': {
    en: 'unpublished the recommendation',
    fr: 'a retiré la recommandation de la publication',
  },
  'commitment.created': { en: 'recorded the commitment', fr: "a enregistré l'engagement" },
  'commitment.revised': { en: 'revised the commitment', fr: "a révisé l'engagement" },
  'commitment.due-date-extended': { en: 'extended the due date', fr: "a prolongé l'échéance" },
  'commitment.fulfilled': {
    en: 'marked the commitment fulfilled',
    fr: "a constaté que l'engagement est tenu",
  },
  'commitment.withdrawn': { en: 'withdrew the commitment', fr: "a retiré l'engagement" },
  'commitment.lapsed': {
    en: 'the commitment lapsed (due date passed)',
    fr: "l'engagement est échu (échéance dépassée)",
  },
  'commitment.reopened': { en: 'reopened the commitment', fr: "a rouvert l'engagement" },
  'assessment.recorded': { en: 'assessed implementation', fr: 'a évalué la mise en œuvre' },
};

const STATUS: Record<string, Record<Lang, string>> = {
  'not-started': { en: 'not started', fr: 'non commencé' },
  'in-progress': { en: 'in progress', fr: 'en cours' },
  'partially-implemented': { en: 'partially implemented', fr: 'partiellement mis en œuvre' },
  implemented: { en: 'implemented', fr: 'mis en œuvre' },
  'not-implemented': { en: 'not implemented', fr: 'non mis en œuvre' },
  supported: { en: 'supported', fr: 'acceptée' },
  noted: { en: 'noted', fr: 'notée' },
  pending: { en: 'pending', fr: 'en attente' },
};

const LABEL: Record<string, Record<Lang, string>> = {
  status: { en: 'status', fr: 'statut' },
  due: { en: 'due date', fr: 'échéance' },
  reason: { en: 'reason', fr: 'motif' },
  evidence: { en: 'evidence', fr: 'preuve' },
  note: { en: 'note', fr: 'note' },
  title: { en: 'title', fr: 'titre' },
  occurred: { en: 'happened on', fr: 'survenu le' },
  position: { en: 'position', fr: 'position' },
  system: { en: 'the system', fr: 'le système' },
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export const whenOf = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const statusLabel = (s: string, lang: Lang): string => STATUS[s]?.[lang] ?? s;

const evidenceLines = (v: unknown, lang: Lang): string[] =>
  (Array.isArray(v) ? v : []).map((e) => {
    const ev = rec(e);
    const head = [str(ev.source), str(ev.date) ?? str(ev.dateNote)].filter(Boolean).join(', ');
    const link = str(ev.link) ? ` <${String(ev.link)}>` : '';
    return `${LABEL.evidence![lang]}: ${head}${head ? ' — ' : ''}${str(ev.summary) ?? ''}${link}`;
  });

/** One entry per event: who, when, what changed, with evidence and reasons. */
export const renderEntry = (e: TimelineEvent, lang: Lang): TimelineEntry => {
  const d = rec(e.data);
  const what = WHAT[e.type]?.[lang] ?? e.type;
  const actor = e.metadata.actor.startsWith('system:')
    ? `${LABEL.system![lang]} (${e.metadata.actor})`
    : e.metadata.actor;
  const details: string[] = [];
  const title = str(d.title);
  if (title) details.push(`${LABEL.title![lang]}: ${title}`);
  if (str(d.status))
    details.push(
      `${LABEL.status![lang]}: ${statusLabel(String(d.status), lang)}${str(d.assessedOn) ? ` (${String(d.assessedOn)})` : ''}`,
    );
  const position = rec(d.position);
  if (str(position.value))
    details.push(`${LABEL.position![lang]}: ${statusLabel(String(position.value), lang)}`);
  if (str(d.previousDueDate) && str(d.dueDate))
    details.push(`${LABEL.due![lang]}: ${String(d.previousDueDate)} → ${String(d.dueDate)}`);
  else if (str(d.dueDate)) details.push(`${LABEL.due![lang]}: ${String(d.dueDate)}`);
  details.push(...evidenceLines(d.evidence, lang));
  const reason = str(d.reason) ?? str(e.metadata.reason);
  if (reason) details.push(`${LABEL.reason![lang]}: ${reason}`);
  if (str(d.note)) details.push(`${LABEL.note![lang]}: ${String(d.note)}`);
  if (e.metadata.occurredAt.slice(0, 10) !== e.metadata.recordedAt.slice(0, 10))
    details.push(`${LABEL.occurred![lang]} ${e.metadata.occurredAt.slice(0, 10)}`);
  return {
    at: e.metadata.recordedAt,
    occurredAt: e.metadata.occurredAt,
    service: e.service,
    streamId: e.streamId,
    version: e.version,
    type: e.type,
    actor: e.metadata.actor,
    role: e.metadata.role,
    text: `${whenOf(e.metadata.recordedAt)} — ${actor} (${e.metadata.role}) ${what} [${e.streamId} v${e.version}]`,
    details,
  };
};

export const langOf = (acceptLanguage: string | undefined, explicit?: string): Lang => {
  if (explicit === 'fr' || explicit === 'en') return explicit;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('fr') ? 'fr' : 'en';
};
