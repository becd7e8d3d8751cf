import { z } from 'zod';
import type { AnswerOf } from '../answer';
import { CommitmentStatus, DueDate, DueDateKind, Evidence } from '../commitments/vocabulary';
import { AssessmentStatus } from '../follow-up/vocabulary';
import { LANGUAGES } from '../labels';
import { DocumentDate, IsoDate, Mechanism, PositionValue, Slug } from '../recommendations/vocabulary';

/*
 * `GET /api/reports/implementation` (issue #17): what the secretariat submits, implementation status by
 * cluster at a reporting date. The JSON answer is this schema; the Word and markdown answers render it.
 */

export const REPORT_MEDIA_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  markdown: 'text/markdown',
  json: 'application/json',
} as const;

const Instant = z.iso.datetime({ offset: true });
const Count = z.number().int().min(0);
const Language = z.enum(LANGUAGES);

/**
 * `asOf`: the reporting date (default today, UTC): assessments dated up to it, commitments' due dates and
 * status changes in force on it. `recordedUntil`: what the store knew (default: the moment of the
 * request); give the `builtFrom.recordedUntil` of an earlier report to rebuild exactly that report.
 */
export const ImplementationReportQuery = z.strictObject({
  asOf: IsoDate.optional(),
  recordedUntil: Instant.optional(),
  mechanism: Mechanism.optional(),
  cluster: Slug.optional(),
  institution: Slug.optional(),
  lang: Language.optional(),
});
export type ImplementationReportQuery = z.infer<typeof ImplementationReportQuery>;

/**
 * A text of the data in the report's language when the data has it, else in the language it has:
 * `language` says which, and `inReportLanguage: false` marks it (nothing is machine-translated).
 */
export const ReportText = z.object({
  text: z.string(),
  language: Language,
  /** True when `language` is the report's language. */
  inReportLanguage: z.boolean(),
});
export type ReportText = AnswerOf<typeof ReportText>;

const Labelled = <T extends z.ZodType>(value: T) => z.object({ value, label: z.string() });

export const ReportAssessment = z.object({
  status: Labelled(AssessmentStatus),
  assessedOn: IsoDate,
  note: z.string().nullable(),
  evidence: z.array(Evidence),
  /** When the store recorded it (the as-of cut compares this with `recordedUntil`). */
  recordedAt: Instant,
});
export type ReportAssessment = AnswerOf<typeof ReportAssessment>;

export const ReportCommitment = z.object({
  id: z.uuid(),
  title: ReportText,
  institutions: z.array(Slug),
  dueDate: DueDate,
  /** `sourced`: the date the source gives; `secretariat-target`: the secretariat's own tracking target. */
  dueDateKind: Labelled(DueDateKind),
  status: Labelled(CommitmentStatus),
  overdue: z.boolean(),
  /** The first day it was overdue (the day after its due date), when it is overdue on the reporting date. */
  overdueSince: IsoDate.nullable(),
  latestAssessment: ReportAssessment.nullable(),
});
export type ReportCommitment = AnswerOf<typeof ReportCommitment>;

export const ReportRecommendation = z.object({
  id: z.uuid(),
  externalKey: z.string().nullable(),
  mechanism: Labelled(Mechanism),
  recommendingEntities: z.array(z.string()),
  document: z.object({
    symbol: z.string().nullable(),
    paragraph: z.string().nullable(),
    citation: z.string(),
    date: DocumentDate,
  }),
  text: ReportText,
  themes: z.array(Slug),
  /** The state's position on it, when one is recorded and dated up to the reporting date (or undated). */
  position: Labelled(PositionValue).nullable(),
  latestAssessment: ReportAssessment.nullable(),
  commitments: z.array(ReportCommitment),
});
export type ReportRecommendation = AnswerOf<typeof ReportRecommendation>;

export const ReportCluster = z.object({
  key: Slug,
  /** The secretariat's title in the report's language, or the key when the cluster was never titled. */
  title: z.string(),
  recommendations: z.array(ReportRecommendation),
});
export type ReportCluster = AnswerOf<typeof ReportCluster>;

const StatusOrNone = z.union([AssessmentStatus, z.literal('none')]);

export const ReportSummary = z.object({
  recommendations: Count,
  commitments: Count,
  /** By the latest assessment's status as of the reporting date (`none`: not assessed by then). */
  byStatus: z.array(
    z.object({
      status: Labelled(StatusOrNone),
      recommendations: Count,
      commitments: Count,
    }),
  ),
  /** Recommendations by theme and status (a recommendation counts under each of its themes). */
  byTheme: z.array(
    z.object({
      theme: z.string(),
      total: Count,
      byStatus: z.record(z.string(), Count),
    }),
  ),
  overdue: z.array(
    z.object({
      id: z.uuid(),
      title: ReportText,
      dueDate: DueDate,
      dueDateKind: Labelled(DueDateKind),
      overdueSince: IsoDate,
      institutions: z.array(Slug),
    }),
  ),
});
export type ReportSummary = AnswerOf<typeof ReportSummary>;

export const ImplementationReportBody = z.object({
  title: z.string(),
  lang: Language,
  asOf: IsoDate,
  filters: z.object({
    mechanism: Mechanism.nullable(),
    cluster: Slug.nullable(),
    institution: Slug.nullable(),
  }),
  /** The position of the store the report was built from: rebuild it with `recordedUntil`. */
  builtFrom: z.object({
    /** Events recorded up to this instant were read (and no later ones). */
    recordedUntil: Instant,
    /** How many events the report folded. */
    events: Count,
    /** The highest store position among them, per producing service (null: none of its events). */
    positions: z.object({
      recommendations: Count.nullable(),
      commitments: Count.nullable(),
      'follow-up': Count.nullable(),
    }),
  }),
  clusters: z.array(ReportCluster),
  summary: ReportSummary,
});
export type ImplementationReportBody = AnswerOf<typeof ImplementationReportBody>;

export const REPORT_DOCX = z.string().meta({ format: 'binary', description: 'a Word document (.docx)' });
export const REPORT_MARKDOWN = z.string().meta({ description: 'the report in markdown (UTF-8)' });
