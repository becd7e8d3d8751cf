import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import {
  assessmentIdFor,
  followUpEvents,
  type AssessmentRecordedData,
  type AssessmentTarget,
  type FollowUpEvent,
} from '@tracker/contracts';
import { notFound } from '@tracker/platform';
import { AssessmentRepository } from '../../infrastructure/assessment.repository';
import { TrackerReader } from './tracker-reader';

export interface AssessmentHistoryEntry extends AssessmentRecordedData {
  /** The n-th assessment recorded for this item. */
  readonly sequence: number;
  readonly eventId: string;
  readonly recordedAt: string;
  readonly recordedBy: { readonly actor: string; readonly role: string };
}

export interface AssessmentHistory {
  readonly assessmentId: string;
  readonly target: AssessmentTarget;
  /** Version of the item's assessment stream (also the ETag). */
  readonly version: number;
  /** Newest first: by assessment date, then by recording order. */
  readonly items: readonly AssessmentHistoryEntry[];
}

export class AssessmentHistoryQuery extends Query<AssessmentHistory> {
  constructor(
    readonly target: AssessmentTarget,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** The full history of one item, read from its own stream (so it is current the moment it is written). */
@QueryHandler(AssessmentHistoryQuery)
export class AssessmentHistoryHandler implements IQueryHandler<AssessmentHistoryQuery> {
  constructor(
    private readonly repository: AssessmentRepository,
    private readonly tracker: TrackerReader,
  ) {}

  async execute({ target, principal }: AssessmentHistoryQuery): Promise<AssessmentHistory> {
    if (principal.role === 'viewer' && !(await this.tracker.get(target.id, principal, new Date())))
      throw notFound(`${target.kind} ${target.id}`);
    const assessmentId = assessmentIdFor(target);
    const { events, version } = await this.repository.load(assessmentId);
    const items = events
      .flatMap((e): AssessmentHistoryEntry[] => {
        const parsed = followUpEvents.parse<FollowUpEvent>({ ...e, position: e.position ?? 0 });
        if (parsed.type !== 'assessment.recorded') return [];
        return [
          {
            ...parsed.data,
            sequence: e.version,
            eventId: e.eventId,
            recordedAt: e.metadata.recordedAt,
            recordedBy: { actor: e.metadata.actor, role: e.metadata.role },
          },
        ];
      })
      .sort((a, b) => b.assessedOn.localeCompare(a.assessedOn) || b.sequence - a.sequence);
    return { assessmentId, target, version, items };
  }
}
