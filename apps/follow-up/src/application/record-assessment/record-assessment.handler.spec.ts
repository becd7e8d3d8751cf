import type { Db } from 'mongodb';
import { AuthorizationError, type Principal } from '@tracker/auth';
import type { Evidence } from '@tracker/contracts';
import { InMemoryEventStore } from '@tracker/event-store';
import { ProblemError, type ServiceLifecycle } from '@tracker/platform';
import { AssessmentRepository } from '../../infrastructure/assessment.repository';
import { COMMITMENT_OWNERSHIP } from '../../infrastructure/commitment-ownership.projection';
import { TRACKER } from '../../infrastructure/tracker-item.projection';
import { RecordAssessmentCommand } from './record-assessment.command';
import { RecordAssessmentHandler } from './record-assessment.handler';

const known = '0190d4c8-0000-7000-8000-0000000000c1';
const unknown = '0190d4c8-0000-7000-8000-000000000000';
const evidence: Evidence[] = [
  {
    source: 'Ministry report',
    citation: null,
    date: '2026-01-10',
    dateNote: null,
    summary: 'Draft sent.',
    link: null,
    quote: null,
  },
];

/**
 * Follow-up's read models, in memory, as they are just after `commitment.created` reached the tracker
 * projection but not yet the ownership projection (two consumers of the same topic, each at its pace).
 */
const dbWith = (collections: Record<string, Record<string, unknown>[]>): Db =>
  ({
    collection: (name: string) => ({
      findOne: (q: { _id: string }) =>
        Promise.resolve((collections[name] ?? []).find((d) => d._id === q._id) ?? null),
    }),
  }) as unknown as Db;
const trackerOnly = dbWith({
  [COMMITMENT_OWNERSHIP]: [],
  [TRACKER]: [
    { _id: known, kind: 'commitment', known: true, commitment: { institutions: ['ministry-of-justice'] } },
  ],
});

const record = (sut: RecordAssessmentHandler, id: string, principal: Principal) =>
  sut.execute(
    new RecordAssessmentCommand({ kind: 'commitment', id }, 'in-progress', '2026-01-10', evidence, null, {
      principal,
      correlationId: 'corr-1',
    }),
  );

describe(RecordAssessmentHandler.name, () => {
  const lifecycle = { notifyAppended: () => undefined } as unknown as ServiceLifecycle;
  const handler = (db: Db) =>
    new RecordAssessmentHandler(new AssessmentRepository(new InMemoryEventStore()), lifecycle, db);

  it('assesses a commitment the tracker row shows before the ownership read model has it', async () => {
    const result = await record(handler(trackerOnly), known, {
      subject: 'fp',
      role: 'focal-point',
      institution: 'ministry-of-justice',
    });
    expect(result.recorded).toBe(true);
  });

  it('still refuses a focal point of another institution, from the tracker row alone', async () => {
    await expect(
      record(handler(trackerOnly), known, {
        subject: 'fp',
        role: 'focal-point',
        institution: 'ministry-of-defence',
      }),
    ).rejects.toBeInstanceOf(AuthorizationError);
  });

  it('a commitment neither read model knows is a 404', async () => {
    const err = await record(handler(trackerOnly), unknown, {
      subject: 's',
      role: 'secretariat',
      institution: null,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).problem.status).toBe(404);
  });
});
