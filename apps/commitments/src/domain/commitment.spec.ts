import {
  AggregateNotFoundError,
  InvalidTransitionError,
  RuleViolationError,
  type CommitmentCreatedData,
  type CommitmentEvent,
  type Evidence,
} from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import { Commitment, evolve, initialState, isLapseDue, type CommitmentCommand } from './commitment';

const id = '0190d4c8-0000-7000-8000-0000000000c1';
const rec = '0190d4c8-0000-7000-8000-0000000000a1';
const now = new Date('2026-01-15T10:00:00Z');
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Cmd = DistributiveOmit<CommitmentCommand, 'commitmentId'>;

// ---- builders: events and commands in the domain's words ----
const draft = (over: Partial<CommitmentCreatedData> = {}): Omit<CommitmentCreatedData, 'commitmentId'> => ({
  externalKey: 'moura-investigation',
  title: { en: 'Investigate the events in Moura', fr: null },
  text: 'The Government undertook to investigate the events in Moura and prosecute those responsible.',
  madeAt: { forum: 'Security Council', date: '2022-06-13', dateNote: null, citation: 'S/PV.9064' },
  basisNote: null,
  sourceQuotes: [],
  institutions: ['ministry-of-justice'],
  dueDate: '2023-06-30',
  dueDateKind: 'secretariat-target',
  dueDateNote: 'the source gives no date; one year after the promise',
  linkedRecommendationIds: [rec],
  ...over,
});
const commitmentMade = (over: Partial<CommitmentCreatedData> = {}): CommitmentEvent => ({
  type: 'commitment.created',
  schemaVersion: 1,
  data: { commitmentId: id, ...draft(over) },
});
const commitmentLapsed = (): CommitmentEvent => ({
  type: 'commitment.lapsed',
  schemaVersion: 1,
  data: {
    commitmentId: id,
    dueDate: '2023-06-30',
    dueAt: '2023-07-01T00:00:00.000Z',
    lapsedAt: '2023-07-01T00:00:01.000Z',
  },
});
const commitmentFulfilled = (): CommitmentEvent => ({
  type: 'commitment.fulfilled',
  schemaVersion: 1,
  data: { commitmentId: id, fulfilledOn: '2023-05-01', evidence: [evidence()], note: null },
});
const commitmentWithdrawn = (): CommitmentEvent => ({
  type: 'commitment.withdrawn',
  schemaVersion: 1,
  data: { commitmentId: id, withdrawnOn: '2023-05-01', reason: 'superseded' },
});
const evidence = (): Evidence => ({
  source: 'OHCHR',
  citation: 'A/HRC/52/xx para 10',
  date: '2023-05-01',
  dateNote: null,
  summary: 'The report of the investigation was published.',
  link: null,
  quote: null,
});

const spec = deciderSpec(Commitment, { now });
/** Commands here name no commitment: they are all about `id`. */
const given = (...events: CommitmentEvent[]) => ({
  when: (c: Cmd, at?: Date) => spec(...events).when({ ...c, commitmentId: id }, at),
});

describe(Commitment.name, () => {
  describe('create', () => {
    it('creates an open commitment; the same content again is a no-op, other content a conflict', () => {
      given().when({ type: 'create', draft: draft() }).then({ type: 'commitment.created' });
      expect(given().when({ type: 'create', draft: draft() }).thenState()).toMatchObject({ status: 'open' });
      given(commitmentMade()).when({ type: 'create', draft: draft() }).then();
      given(commitmentMade())
        .when({ type: 'create', draft: draft({ dueDate: '2024-01-01' }) })
        .thenThrows(InvalidTransitionError, /already exists/);
    });

    it('refuses a due date before the date the commitment was made (422)', () => {
      given()
        .when({ type: 'create', draft: draft({ dueDate: '2022-06-12' }) })
        .thenThrows(RuleViolationError, /before the date the commitment was made/);
      given()
        .when({ type: 'create', draft: draft({ dueDate: '2022-06-13' }) })
        .then({ type: 'commitment.created' });
    });
  });

  describe('revise', () => {
    it('emits the full revisable fields and names what changed', () => {
      given(commitmentMade())
        .when({ type: 'revise', revision: { institutions: ['ministry-of-justice', 'ministry-of-defence'] } })
        .then({
          type: 'commitment.revised',
          data: expect.objectContaining({
            institutions: ['ministry-of-justice', 'ministry-of-defence'],
            title: draft().title,
            changed: ['institutions'],
          }) as unknown,
        });
    });

    it('changing nothing emits nothing', () => {
      given(commitmentMade())
        .when({ type: 'revise', revision: { text: draft().text } })
        .then();
    });

    it('refuses a made date after the due date, and revising a closed commitment', () => {
      given(commitmentMade())
        .when({ type: 'revise', revision: { madeAt: { ...draft().madeAt, date: '2024-01-01' } } })
        .thenThrows(RuleViolationError);
      given(commitmentMade(), commitmentWithdrawn())
        .when({ type: 'revise', revision: { text: 'x' } })
        .thenThrows(InvalidTransitionError, /withdrawn commitment cannot be revised/);
    });
  });

  describe('extend due date', () => {
    it('moves an open commitment’s due date with a reason', () => {
      given(commitmentMade())
        .when({ type: 'extend-due-date', dueDate: '2024-06-30', reason: 'new transition timetable' })
        .then({
          type: 'commitment.due-date-extended',
          data: {
            commitmentId: id,
            previousDueDate: '2023-06-30',
            dueDate: '2024-06-30',
            dueDateKind: 'secretariat-target',
            reason: 'new transition timetable',
          },
        });
    });

    it('re-opens a lapsed commitment', () => {
      given(commitmentMade(), commitmentLapsed())
        .when({ type: 'extend-due-date', dueDate: '2026-06-30', reason: 'new transition timetable' })
        .then(
          { type: 'commitment.due-date-extended' },
          {
            type: 'commitment.reopened',
            data: { commitmentId: id, dueDate: '2026-06-30', reason: 'new transition timetable' },
          },
        );
      const state = given(commitmentMade(), commitmentLapsed())
        .when({ type: 'extend-due-date', dueDate: '2026-06-30', reason: 'r' })
        .thenState();
      expect(state).toMatchObject({ status: 'open', dueDate: '2026-06-30' });
    });

    it('must move the date later, and cannot extend a closed commitment', () => {
      given(commitmentMade())
        .when({ type: 'extend-due-date', dueDate: '2023-06-30', reason: 'r' })
        .thenThrows(RuleViolationError, /later/);
      given(commitmentMade(), commitmentFulfilled())
        .when({ type: 'extend-due-date', dueDate: '2024-06-30', reason: 'r' })
        .thenThrows(InvalidTransitionError, /fulfilled commitment cannot be extended/);
    });
  });

  describe('fulfil', () => {
    it('fulfils an open or a lapsed commitment with evidence', () => {
      const cmd: Cmd = { type: 'fulfil', fulfilledOn: '2023-05-01', evidence: [evidence()], note: null };
      given(commitmentMade()).when(cmd).then({ type: 'commitment.fulfilled' });
      given(commitmentMade(), commitmentLapsed())
        .when({ ...cmd, fulfilledOn: '2024-01-01' })
        .then({
          type: 'commitment.fulfilled',
        });
    });

    it('refuses twice, a future date, and a date before the commitment was made', () => {
      const cmd: Cmd = { type: 'fulfil', fulfilledOn: '2023-05-01', evidence: [evidence()], note: null };
      given(commitmentMade(), commitmentFulfilled()).when(cmd).thenThrows(InvalidTransitionError);
      given(commitmentMade())
        .when({ ...cmd, fulfilledOn: '2027-01-01' })
        .thenThrows(RuleViolationError, /future/);
      given(commitmentMade())
        .when({ ...cmd, fulfilledOn: '2020-01-01' })
        .thenThrows(RuleViolationError);
    });
  });

  describe('withdraw', () => {
    it('withdraws with a reason, dated today unless told', () => {
      given(commitmentMade())
        .when({ type: 'withdraw', reason: 'superseded by the 2024 charter' })
        .then({
          type: 'commitment.withdrawn',
          data: { commitmentId: id, withdrawnOn: '2026-01-15', reason: 'superseded by the 2024 charter' },
        });
    });

    it('a withdrawn or fulfilled commitment cannot be withdrawn', () => {
      given(commitmentMade(), commitmentWithdrawn())
        .when({ type: 'withdraw', reason: 'r' })
        .thenThrows(InvalidTransitionError);
      given(commitmentMade(), commitmentFulfilled())
        .when({ type: 'withdraw', reason: 'r' })
        .thenThrows(InvalidTransitionError);
    });
  });

  describe('mark lapsed', () => {
    it('lapses an open commitment whose due date passed, once', () => {
      given(commitmentMade())
        .when({ type: 'mark-lapsed' })
        .then({
          type: 'commitment.lapsed',
          data: {
            commitmentId: id,
            dueDate: '2023-06-30',
            dueAt: '2023-07-01T00:00:00.000Z',
            lapsedAt: now.toISOString(),
          },
        });
      given(commitmentMade(), commitmentLapsed()).when({ type: 'mark-lapsed' }).then();
    });

    it('a date-only due date is due at the end of that day; a date-time at its instant', () => {
      const lastMinute = new Date('2023-06-30T23:59:00Z');
      given(commitmentMade())
        .when({ type: 'mark-lapsed' }, lastMinute)
        .thenThrows(RuleViolationError, /not due until/);
      expect(isLapseDue(given(commitmentMade()).when({ type: 'mark-lapsed' }).thenState(), now)).toBe(false);
      const state = [commitmentMade()].reduce(evolve, initialState);
      expect(isLapseDue(state, lastMinute)).toBe(false);
      expect(isLapseDue(state, new Date('2023-07-01T00:00:00Z'))).toBe(true);
      const timed = [commitmentMade({ dueDate: '2026-01-15T09:59:59Z' })].reduce(evolve, initialState);
      expect(isLapseDue(timed, now)).toBe(true);
    });

    it('a closed commitment does not lapse', () => {
      given(commitmentMade(), commitmentFulfilled())
        .when({ type: 'mark-lapsed' })
        .thenThrows(InvalidTransitionError);
    });
  });

  it('refuses to change a commitment that does not exist', () => {
    given().when({ type: 'withdraw', reason: 'r' }).thenThrows(AggregateNotFoundError);
    given().when({ type: 'mark-lapsed' }).thenThrows(AggregateNotFoundError);
  });
});
