import {
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { ImplementationReportBody, ReportAssessment, ReportText } from '@tracker/contracts';
import { labelIn, type ReportLabel } from '../../application/implementation-report/report-labels';
import { documentOf, provenance } from './report-markdown';

type Report = ImplementationReportBody;
type Label = (k: ReportLabel) => string;

const para = (text: string): Paragraph => new Paragraph({ children: [new TextRun(text)] });
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]): Paragraph =>
  new Paragraph({ text, heading: level });

/** A text of the data; one in another language than the report's is marked, in italics (never translated). */
const textRuns = (t: ReportText, l: Label): TextRun[] =>
  t.inReportLanguage
    ? [new TextRun(t.text)]
    : [
        new TextRun(t.text),
        new TextRun({
          text: ` [${t.language.toUpperCase()}: ${l('sourceLanguage')}]`,
          italics: true,
        }),
      ];

/** An ordinary Word table (editable, header row repeated on each page). */
const table = (head: readonly string[], rows: readonly (readonly (string | Paragraph)[])[]): Table =>
  new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        tableHeader: true,
        children: head.map(
          (h) =>
            new TableCell({
              children: [new Paragraph({ children: [new TextRun({ text: h, bold: true })] })],
            }),
        ),
      }),
      ...rows.map(
        (r) =>
          new TableRow({
            children: r.map((c) => new TableCell({ children: [typeof c === 'string' ? para(c) : c] })),
          }),
      ),
    ],
  });

const labelledIn =
  (l: Label) =>
  (label: string, value: string | TextRun[]): Paragraph =>
    new Paragraph({
      children: [
        new TextRun({ text: `${label}${l('colon')}`, bold: true }),
        ...(typeof value === 'string' ? [new TextRun(value)] : value),
      ],
    });

const assessment = (a: ReportAssessment | null, l: Label): (Paragraph | Table)[] => {
  const labelled = labelledIn(l);
  if (!a) return [labelled(l('latestAssessment'), l('notAssessed'))];
  return [
    labelled(l('latestAssessment'), `${a.status.label} (${l('assessedOn').toLowerCase()} ${a.assessedOn})`),
    ...(a.note ? [labelled(l('note'), a.note)] : []),
    ...(a.evidence.length > 0
      ? [
          table(
            [l('evidence'), l('citation'), l('date')],
            a.evidence.map((e) => [
              `${e.source}: ${e.summary}${e.quote ? ` — “${e.quote}”` : ''}${e.link ? ` (${e.link})` : ''}`,
              e.citation ?? '',
              e.date ?? l('undated'),
            ]),
          ),
        ]
      : []),
  ];
};

/**
 * The report as a Word document: headings (Heading 1-3, so Word's navigation pane and the table of
 * contents list them), a table of contents field Word fills in when the document is opened
 * (`updateFields`), and plain tables the secretariat can edit.
 */
export const reportDocx = async (r: Report): Promise<Buffer> => {
  const l = labelIn(r.lang);
  const labelled = labelledIn(l);
  const p = provenance(r, l);
  const statuses = r.summary.byStatus.map((s) => s.status);
  const children: (Paragraph | Table | TableOfContents)[] = [
    heading(r.title, HeadingLevel.TITLE),
    para(p.asOf),
    para(p.built),
    para(p.filters),
    // Not a heading, so the table of contents does not list itself.
    new Paragraph({ children: [new TextRun({ text: l('contents'), bold: true, size: 28 })] }),
    new TableOfContents(l('contents'), { hyperlink: true, headingStyleRange: '1-3' }),
    heading(l('summary'), HeadingLevel.HEADING_1),
    heading(l('byStatus'), HeadingLevel.HEADING_2),
    table(
      [l('status'), l('recommendations'), l('commitments')],
      [
        ...r.summary.byStatus.map((s) => [s.status.label, String(s.recommendations), String(s.commitments)]),
        [l('total'), String(r.summary.recommendations), String(r.summary.commitments)],
      ],
    ),
    heading(l('byTheme'), HeadingLevel.HEADING_2),
    table(
      [l('theme'), l('total'), ...statuses.map((s) => s.label)],
      r.summary.byTheme.map((t) => [
        t.theme,
        String(t.total),
        ...statuses.map((s) => String(t.byStatus[s.value] ?? 0)),
      ]),
    ),
    heading(l('overdue'), HeadingLevel.HEADING_2),
    r.summary.overdue.length === 0
      ? para(l('noOverdue'))
      : table(
          [l('commitment'), l('dueDate'), l('overdueSince'), l('institutions')],
          r.summary.overdue.map((c) => [
            new Paragraph({ children: textRuns(c.title, l) }),
            `${c.dueDate} (${c.dueDateKind.label})`,
            c.overdueSince,
            c.institutions.join(', '),
          ]),
        ),
    heading(l('clusters'), HeadingLevel.HEADING_1),
    ...(r.clusters.length === 0 ? [para(l('noRecommendation'))] : []),
  ];
  for (const cluster of r.clusters) {
    children.push(heading(cluster.title, HeadingLevel.HEADING_2));
    for (const rec of cluster.recommendations) {
      const doc = rec.document;
      children.push(
        heading(doc.citation, HeadingLevel.HEADING_3),
        new Paragraph({ children: textRuns(rec.text, l) }),
        labelled(l('recommendedBy'), `${rec.recommendingEntities.join(', ')} (${rec.mechanism.label})`),
        labelled(l('document'), `${documentOf(doc, l)} (${doc.date})`),
        labelled(l('position'), rec.position?.label ?? l('noPosition')),
        ...(rec.themes.length > 0 ? [labelled(l('themes'), rec.themes.join(', '))] : []),
        ...assessment(rec.latestAssessment, l),
        new Paragraph({ children: [new TextRun({ text: l('linkedCommitments'), bold: true })] }),
      );
      if (rec.commitments.length === 0) {
        children.push(para(l('noCommitment')));
        continue;
      }
      children.push(
        table(
          [
            l('commitment'),
            l('institutions'),
            l('dueDate'),
            l('status'),
            l('overdueSince'),
            l('latestAssessment'),
          ],
          rec.commitments.map((c) => [
            new Paragraph({ children: textRuns(c.title, l) }),
            c.institutions.join(', '),
            `${c.dueDate} (${c.dueDateKind.label})`,
            c.status.label,
            c.overdueSince ?? l('notOverdue'),
            c.latestAssessment
              ? `${c.latestAssessment.status.label} (${c.latestAssessment.assessedOn})`
              : l('notAssessedStatus'),
          ]),
        ),
      );
      for (const c of rec.commitments)
        if (c.latestAssessment && (c.latestAssessment.note || c.latestAssessment.evidence.length > 0))
          children.push(
            new Paragraph({
              children: [
                new TextRun({ text: `${l('commitment')}${l('colon')}`, bold: true }),
                ...textRuns(c.title, l),
              ],
            }),
            ...assessment(c.latestAssessment, l),
          );
    }
  }
  const document = new Document({
    title: r.title,
    creator: 'Tracker',
    description: `${p.asOf}. ${p.built}`,
    features: { updateFields: true },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
};
