import {
  labelOf,
  type ImplementationReportBody,
  type ReportAssessment,
  type ReportCommitment,
  type ReportText,
} from '@tracker/contracts';
import { labelIn, type ReportLabel } from '../../application/implementation-report/report-labels';

type Report = ImplementationReportBody;
type Rec = Report['clusters'][number]['recommendations'][number];

/** A cell or a line of text: no table breaks, no stray markup from the data. */
const cell = (s: string): string => s.replace(/\r?\n+/g, ' ').replace(/\|/g, '\\|');

/** A text of the data; one in another language than the report's says so (never translated). */
export const markedText = (t: ReportText, l: (k: ReportLabel) => string): string =>
  t.inReportLanguage ? t.text : `${t.text} _[${t.language.toUpperCase()}: ${l('sourceLanguage')}]_`;

/** A document by its symbol and paragraph, or by its citation when it has no symbol (a press release). */
export const documentOf = (doc: Rec['document'], l: (k: ReportLabel) => string): string =>
  doc.symbol
    ? `${doc.symbol}${doc.paragraph ? `, ${l('paragraph').toLowerCase()} ${doc.paragraph}` : ''}`
    : doc.citation;

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.map(cell).join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  '',
];

/** The lines that say what a report was built from and for. */
export const provenance = (
  r: Report,
  l: (k: ReportLabel) => string,
): { asOf: string; built: string; filters: string } => {
  const positions = Object.entries(r.builtFrom.positions)
    .filter(([, p]) => p !== null)
    .map(([service, p]) => `${service} ${p}`)
    .join(', ');
  const filters = [
    [
      l('mechanism'),
      r.filters.mechanism && (labelOf('mechanism', r.filters.mechanism, r.lang) ?? r.filters.mechanism),
    ],
    [l('cluster'), r.filters.cluster],
    [l('institution'), r.filters.institution],
  ]
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}${l('colon')}${v}`)
    .join('; ');
  return {
    asOf: `${l('asOf')} ${r.asOf}`,
    built:
      `${l('builtFrom')}${l('colon')}${l('recordedUntil')} ${r.builtFrom.recordedUntil} ` +
      `(${r.builtFrom.events} ${l('events')}${positions ? `; ${l('storePositions')}${l('colon')}${positions}` : ''})`,
    filters: `${l('filters')}${l('colon')}${filters || l('none')}`,
  };
};

const assessmentLines = (a: ReportAssessment | null, l: (k: ReportLabel) => string): string[] => {
  if (!a) return [`**${l('latestAssessment')}**${l('colon')}${l('notAssessed')}`, ''];
  return [
    `**${l('latestAssessment')}**${l('colon')}${a.status.label} (${l('assessedOn').toLowerCase()} ${a.assessedOn})`,
    '',
    ...(a.note ? [`${l('note')}${l('colon')}${a.note}`, ''] : []),
    ...(a.evidence.length > 0
      ? [
          `${l('evidence')}${l('colon').trimEnd()}`,
          '',
          ...a.evidence.map(
            (e) =>
              `- ${e.source}${e.citation ? `, ${e.citation}` : ''} (${e.date ?? l('undated')}): ${e.summary}` +
              `${e.quote ? ` — “${e.quote}”` : ''}${e.link ? ` <${e.link}>` : ''}`,
          ),
          '',
        ]
      : []),
  ];
};

const commitmentRow = (c: ReportCommitment, l: (k: ReportLabel) => string): string[] => [
  markedText(c.title, l),
  c.institutions.join(', '),
  `${c.dueDate} (${c.dueDateKind.label})`,
  c.status.label,
  c.overdueSince ?? l('notOverdue'),
  c.latestAssessment
    ? `${c.latestAssessment.status.label} (${c.latestAssessment.assessedOn})`
    : l('notAssessedStatus'),
];

/** The report in markdown: for review in a pull request or an e-mail. */
export const reportMarkdown = (r: Report): string => {
  const l = labelIn(r.lang);
  const p = provenance(r, l);
  const statuses = r.summary.byStatus.map((s) => s.status);
  const lines: string[] = [
    `# ${r.title}`,
    '',
    `${p.asOf}`,
    '',
    `${p.built}`,
    '',
    `${p.filters}`,
    '',
    `## ${l('summary')}`,
    '',
    `### ${l('byStatus')}`,
    '',
    ...table(
      [l('status'), l('recommendations'), l('commitments')],
      [
        ...r.summary.byStatus.map((s) => [s.status.label, String(s.recommendations), String(s.commitments)]),
        [l('total'), String(r.summary.recommendations), String(r.summary.commitments)],
      ],
    ),
    `### ${l('byTheme')}`,
    '',
    ...table(
      [l('theme'), l('total'), ...statuses.map((s) => s.label)],
      r.summary.byTheme.map((t) => [
        t.theme,
        String(t.total),
        ...statuses.map((s) => String(t.byStatus[s.value] ?? 0)),
      ]),
    ),
    `### ${l('overdue')}`,
    '',
    ...(r.summary.overdue.length === 0
      ? [l('noOverdue'), '']
      : table(
          [l('commitment'), l('dueDate'), l('overdueSince'), l('institutions')],
          r.summary.overdue.map((c) => [
            markedText(c.title, l),
            `${c.dueDate} (${c.dueDateKind.label})`,
            c.overdueSince,
            c.institutions.join(', '),
          ]),
        )),
    `## ${l('clusters')}`,
    '',
    ...(r.clusters.length === 0 ? [l('noRecommendation'), ''] : []),
  ];
  for (const cluster of r.clusters) {
    lines.push(`### ${cluster.title}`, '');
    for (const rec of cluster.recommendations) {
      const doc = rec.document;
      lines.push(
        `#### ${doc.citation}`,
        '',
        `> ${markedText(rec.text, l).replace(/\r?\n/g, '\n> ')}`,
        '',
        `- ${l('recommendedBy')}${l('colon')}${rec.recommendingEntities.join(', ')} (${rec.mechanism.label})`,
        `- ${l('document')}${l('colon')}${documentOf(doc, l)} (${doc.date})`,
        `- ${l('position')}${l('colon')}${rec.position?.label ?? l('noPosition')}`,
        ...(rec.themes.length > 0 ? [`- ${l('themes')}${l('colon')}${rec.themes.join(', ')}`] : []),
        '',
        ...assessmentLines(rec.latestAssessment, l),
        `**${l('linkedCommitments')}**`,
        '',
        ...(rec.commitments.length === 0
          ? [l('noCommitment'), '']
          : table(
              [
                l('commitment'),
                l('institutions'),
                l('dueDate'),
                l('status'),
                l('overdueSince'),
                l('latestAssessment'),
              ],
              rec.commitments.map((c) => commitmentRow(c, l)),
            )),
      );
      for (const c of rec.commitments)
        if (c.latestAssessment && (c.latestAssessment.note || c.latestAssessment.evidence.length > 0))
          lines.push(
            `${l('commitment')}${l('colon')}${markedText(c.title, l)}`,
            '',
            ...assessmentLines(c.latestAssessment, l),
          );
    }
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
};
