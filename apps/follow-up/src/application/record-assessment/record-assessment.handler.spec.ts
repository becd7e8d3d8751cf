import { AuthorizationError, type Principal } from '@tracker/auth';
import type { Evidence } from '@tracker/contracts';
import { InMemoryEventStore } from '@tracker/event-store';
import { ProblemError } from '@tracker/platform';
import type { AssessableItems } from '../../domain/assessable-items';
import { AssessmentRepository } from '../../infrastructure/assessment.repository';
import { RecordAssessmentCommand } from './record-assessment.command';
import { RecordAssessmentHandler } from './record-assessment.handler';

const known = '0190d4c8-0000-7000-8000-0000000000c1';
const unknown = '0190d4c8-0000-7000-8000-000000000000';
/** An assessment of it arrived before its `commitment.created`: the row exists, the commitment is not known. */
const notYet = '0190d4c8-0000-7000-8000-0000000000c2';
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

/** What follow-up learnt of the items (the port the handler asks), in memory, with every lookup it made. */
const commitments = new Map<string, readonly string[] | null>([
  [known, ['ministry-of-justice']],
  [notYet, null],
]);
const lookups: string[] = [];
const items: AssessableItems = {
  institutionsOf: (id) => {
    lookups.push(id);
    return Promise.resolve(commitments.get(id) ?? null);
  },
  isKnownRecommendation: (id) => {
    lookups.push(id);
    return Promise.resolve(false);
  },
};

const record = (sut: RecordAssessmentHandler, id: string, principal: Principal) =>
  sut.execute(
    new RecordAssessmentCommand({ kind: 'commitment', id }, 'in-progress', '2026-01-10', evidence, null, {
      principal,
      correlationId: 'corr-1',
    }),
  );

describe(RecordAssessmentHandler.name, () => {
  const handler = () =>
    new RecordAssessmentHandler(new AssessmentRepository(new InMemoryEventStore()), items);

  it('assesses a commitment its tracker row shows, as a focal point of its institution', async () => {
    const result = await record(handler(), known, {
      subject: 'fp',
      role: 'focal-point',
      institution: 'ministry-of-justice',
    });
    expect(result.recorded).toBe(true);
  });

  it('refuses a focal point of another institution', async () => {
    await expect(
      record(handler(), known, {
        subject: 'fp',
        role: 'focal-point',
        institution: 'ministry-of-defence',
      }),
    ).rejects.toBeInstanceOf(AuthorizationError);
  });

  it.each([
    ['no row at all', unknown],
    ['a row whose created event has not arrived', notYet],
  ])('a commitment follow-up does not know is a 404 (%s)', async (_what, id) => {
    const err = await record(handler(), id, {
      subject: 's',
      role: 'secretariat',
      institution: null,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).problem.status).toBe(404);
  });

  it('a repeat assessment needs no lookup of its target, except a focal point’s institution', async () => {
    const sut = handler();
    const secretariat: Principal = { subject: 's', role: 'secretariat', institution: null };
    const focal: Principal = { subject: 'fp', role: 'focal-point', institution: 'ministry-of-justice' };
    lookups.length = 0;
    await record(sut, known, secretariat);
    expect(lookups).toEqual([known]); // the first: the target must be known
    await record(sut, known, secretariat);
    expect(lookups).toEqual([known]); // known then, known now
    await record(sut, known, focal);
    expect(lookups).toEqual([known, known]); // institutions can change: read every time
  });
});
