/**
 * English and French labels for the values of every enum a client shows to people. Values stay stable
 * kebab-case strings in data and events; only these labels are translated. Mali is francophone, so
 * every label has both languages.
 */
export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

export interface Label {
  readonly en: string;
  readonly fr: string;
}

export const LABELS = {
  mechanism: {
    upr: { en: 'Universal Periodic Review', fr: 'Examen périodique universel' },
    'hrc-resolution': {
      en: 'Human Rights Council resolution',
      fr: 'Résolution du Conseil des droits de l’homme',
    },
    'security-council': { en: 'Security Council', fr: 'Conseil de sécurité' },
    'secretary-general': { en: 'Secretary-General report', fr: 'Rapport du Secrétaire général' },
    ohchr: { en: 'OHCHR / High Commissioner', fr: 'HCDH / Haut-Commissaire' },
    'special-procedure': {
      en: 'Special Procedure / Independent Expert',
      fr: 'Procédure spéciale / Expert indépendant',
    },
    'treaty-body': { en: 'Treaty body', fr: 'Organe conventionnel' },
    ngo: { en: 'Non-governmental organisation', fr: 'Organisation non gouvernementale' },
  },
  position: {
    supported: { en: 'Supported', fr: 'Acceptée' },
    'supported-in-part': { en: 'Supported in part', fr: 'Acceptée en partie' },
    noted: { en: 'Noted', fr: 'Notée' },
    pending: { en: 'Pending', fr: 'En attente' },
  },
  /** Commitment statuses and assessment statuses share one table: their values never collide. */
  status: {
    open: { en: 'Open', fr: 'En cours' },
    fulfilled: { en: 'Fulfilled', fr: 'Honoré' },
    withdrawn: { en: 'Withdrawn', fr: 'Retiré' },
    lapsed: { en: 'Lapsed', fr: 'Échu' },
    'not-started': { en: 'Not started', fr: 'Non commencé' },
    'in-progress': { en: 'In progress', fr: 'En cours de mise en œuvre' },
    'partially-implemented': { en: 'Partially implemented', fr: 'Partiellement mis en œuvre' },
    implemented: { en: 'Implemented', fr: 'Mis en œuvre' },
    'not-implemented': { en: 'Not implemented', fr: 'Non mis en œuvre' },
  },
  role: {
    admin: { en: 'Administrator', fr: 'Administrateur' },
    secretariat: { en: 'Secretariat', fr: 'Secrétariat' },
    'focal-point': { en: 'Focal point', fr: 'Point focal' },
    auditor: { en: 'Auditor', fr: 'Auditeur' },
    viewer: { en: 'Viewer', fr: 'Lecteur' },
  },
} as const satisfies Record<string, Record<string, Label>>;

export type Vocabulary = keyof typeof LABELS;
export const VOCABULARIES = Object.keys(LABELS) as Vocabulary[];

/** The label of `value` in `vocabulary`, or undefined for a value the table does not know. */
export const labelOf = (vocabulary: Vocabulary, value: string, language: Language): string | undefined => {
  const table: Record<string, Label> = LABELS[vocabulary];
  return Object.hasOwn(table, value) ? table[value]?.[language] : undefined;
};

/**
 * The language to answer in, from an Accept-Language header (RFC 9110 §12.5.4): the supported language
 * with the highest weight, English when none is acceptable or the header is absent.
 */
export const negotiateLanguage = (header: string | undefined): Language => {
  if (!header) return 'en';
  let best: { language: Language; q: number } | null = null;
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = range.trim().split('-')[0];
    const language = LANGUAGES.find((l) => l === primary);
    if (language && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'en';
};
