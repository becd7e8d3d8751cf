import type { Language } from '@tracker/contracts';

/** Every heading and label the rendered reports show, in both languages (the data's own texts aside). */
export const REPORT_LABELS = {
  title: {
    en: 'Implementation of recommendations and commitments',
    fr: 'Mise en œuvre des recommandations et des engagements',
  },
  asOf: { en: 'Status as of', fr: 'Situation au' },
  builtFrom: { en: 'Built from the event history', fr: 'Établi à partir de l’historique des événements' },
  recordedUntil: { en: 'events recorded up to', fr: 'événements enregistrés jusqu’au' },
  events: { en: 'events', fr: 'événements' },
  storePositions: { en: 'store positions', fr: 'positions des journaux' },
  filters: { en: 'Filters', fr: 'Filtres' },
  none: { en: 'none', fr: 'aucun' },
  mechanism: { en: 'Mechanism', fr: 'Mécanisme' },
  cluster: { en: 'Cluster', fr: 'Groupe' },
  institution: { en: 'Institution', fr: 'Institution' },
  contents: { en: 'Contents', fr: 'Table des matières' },
  /** Between a label and its value (French typography puts a space before the colon). */
  colon: { en: ': ', fr: ' : ' },
  summary: { en: 'Summary', fr: 'Synthèse' },
  byStatus: { en: 'By status', fr: 'Par statut' },
  byTheme: { en: 'By theme (recommendations)', fr: 'Par thème (recommandations)' },
  overdue: { en: 'Overdue commitments', fr: 'Engagements en retard' },
  noOverdue: { en: 'No commitment is overdue.', fr: 'Aucun engagement n’est en retard.' },
  status: { en: 'Status', fr: 'Statut' },
  theme: { en: 'Theme', fr: 'Thème' },
  total: { en: 'Total', fr: 'Total' },
  recommendations: { en: 'Recommendations', fr: 'Recommandations' },
  commitments: { en: 'Commitments', fr: 'Engagements' },
  clusters: { en: 'Recommendations by cluster', fr: 'Recommandations par groupe' },
  noRecommendation: {
    en: 'No recommendation matches on this date.',
    fr: 'Aucune recommandation ne correspond à cette date.',
  },
  recommendation: { en: 'Recommendation', fr: 'Recommandation' },
  recommendedBy: { en: 'Recommended by', fr: 'Recommandée par' },
  document: { en: 'Document', fr: 'Document' },
  paragraph: { en: 'Paragraph', fr: 'Paragraphe' },
  documentDate: { en: 'Document date', fr: 'Date du document' },
  position: { en: 'Position of the State', fr: 'Position de l’État' },
  noPosition: { en: 'not recorded', fr: 'non enregistrée' },
  themes: { en: 'Themes', fr: 'Thèmes' },
  latestAssessment: { en: 'Latest assessment', fr: 'Dernière évaluation' },
  notAssessed: { en: 'Not assessed by this date.', fr: 'Non évaluée à cette date.' },
  assessedOn: { en: 'Assessed on', fr: 'Évaluée le' },
  note: { en: 'Note', fr: 'Note' },
  evidence: { en: 'Evidence', fr: 'Éléments de preuve' },
  linkedCommitments: { en: 'Linked commitments', fr: 'Engagements liés' },
  noCommitment: { en: 'No linked commitment.', fr: 'Aucun engagement lié.' },
  commitment: { en: 'Commitment', fr: 'Engagement' },
  institutions: { en: 'Responsible institutions', fr: 'Institutions responsables' },
  dueDate: { en: 'Due date', fr: 'Échéance' },
  overdueSince: { en: 'Overdue since', fr: 'En retard depuis' },
  notOverdue: { en: 'not overdue', fr: 'pas en retard' },
  sourceLanguage: {
    en: 'in French only: no English text in the data',
    fr: 'en anglais seulement : pas de texte français dans les données',
  },
  citation: { en: 'Citation', fr: 'Référence' },
  date: { en: 'Date', fr: 'Date' },
  undated: { en: 'undated', fr: 'non datée' },
  notAssessedStatus: { en: 'Not assessed', fr: 'Non évalué' },
} as const satisfies Record<string, Record<Language, string>>;

export type ReportLabel = keyof typeof REPORT_LABELS;

export const labelIn =
  (lang: Language) =>
  (key: ReportLabel): string =>
    REPORT_LABELS[key][lang];
