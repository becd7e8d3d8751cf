import { RuleViolationError, type CommitmentCreatedData, type CommitmentEvent } from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import { Commitment, dueReminder, reminderBlocker, type CommitmentCommand } from './commitment';

const id = '0190d4c8-0000-7000-8000-0000000000c2';
const DAY = 86_400_000;
const LEADS = [30 * DAY, 7 * DAY, DAY];
/** Due 2026-03-01T00:00:00Z. */
const DUE = '2026-02-28';
const dueAt = Date.parse('2026-03-01T00:00:00Z');
const at = (msBeforeDue: number): Date => new Date(dueAt - msBeforeDue);

// ---- builders ----
const commitmentMade = (over: Partial<CommitmentCreatedData> = {}): CommitmentEvent => ({
  type: 'commitment.created',
  schemaVersion: 1,
  data: {
    commitmentId: id,
    externalKey: null,
    title: { en: 'Adopt the law on gender-based violence', fr: null },
    text: 'The Government undertook to adopt the draft law on gender-based violence.',
    madeAt: { forum: 'UPR 2023', date: '2023-05-02', dateNote: null, citation: 'A/HRC/53/7' },
    basisNote: null,
    sourceQuotes: [],
    institutions: ['ministry-of-justice'],
    dueDate: DUE,
    dueDateKind: 'secretariat-target',
    dueDateNote: null,
    linkedRecommendationIds: [],
    ...over,
  },
});
const deadlineApproaching = (leadMs: number, due = DUE): CommitmentEvent => {
  const d = Date.parse(`${due}T00:00:00Z`) + DAY;
  return {
    type: 'commitment.deadline-approaching',
    schemaVersion: 1,
    data: {
      commitmentId: id,
      dueDate: due,
      dueAt: new Date(d).toISOString(),
      leadMs,
      remindAt: new Date(d - leadMs).toISOString(),
      remindedAt: new Date(d - leadMs).toISOString(),
    },
  };
};
const dueDateExtended = (dueDate: string): CommitmentEvent => ({
  type: 'commitment.due-date-extended',
  schemaVersion: 1,
  data: { commitmentId: id, previousDueDate: DUE, dueDate, dueDateKind: 'secretariat-target', reason: 'r' },
});
const fulfilled = (): CommitmentEvent => ({
  type: 'commitment.fulfilled',
  schemaVersion: 1,
  data: { commitmentId: id, fulfilledOn: '2026-02-01', evidence: [], note: null },
});
const lapsed = (): CommitmentEvent => ({
  type: 'commitment.lapsed',
  schemaVersion: 1,
  data: {
    commitmentId: id,
    dueDate: DUE,
    dueAt: new Date(dueAt).toISOString(),
    lapsedAt: new Date(dueAt).toISOString(),
  },
});
const remind = (leadMs: number, leadsMs: readonly number[] = LEADS): CommitmentCommand => ({
  type: 'remind-deadline',
  commitmentId: id,
  leadMs,
  leadsMs,
});

const given = deciderSpec(Commitment);

describe('Commitment reminders (commitment.deadline-approaching)', () => {
  it('at its lead instant an open commitment is reminded, with the lead time in the event', () => {
    given(commitmentMade())
      .when(remind(7 * DAY), at(7 * DAY))
      .then({
        type: 'commitment.deadline-approaching',
        data: {
          commitmentId: id,
          dueDate: DUE,
          dueAt: '2026-03-01T00:00:00.000Z',
          leadMs: 7 * DAY,
          remindAt: '2026-02-22T00:00:00.000Z',
          remindedAt: '2026-02-22T00:00:00.000Z',
        },
      });
  });

  it('a second firing of the same reminder decides nothing (one event per due instant and lead)', () => {
    given(commitmentMade(), deadlineApproaching(7 * DAY))
      .when(remind(7 * DAY), at(7 * DAY - 1_000))
      .then();
  });

  it('refuses a reminder before its instant (the timer fired early)', () => {
    given(commitmentMade())
      .when(remind(DAY), at(DAY + 1))
      .thenThrows(RuleViolationError);
  });

  it('a late reminder superseded by a shorter lead that is also due is not sent', () => {
    // Down from 30 d to 5 d before the due instant: the 30-day reminder is stale news.
    given(commitmentMade())
      .when(remind(30 * DAY), at(5 * DAY))
      .then();
    given(commitmentMade())
      .when(remind(7 * DAY), at(5 * DAY))
      .then({
        type: 'commitment.deadline-approaching',
        data: expect.objectContaining({ leadMs: 7 * DAY }) as unknown,
      });
  });

  it('after a shorter reminder, a longer one is never sent', () => {
    given(commitmentMade(), deadlineApproaching(DAY))
      .when(remind(7 * DAY, [7 * DAY]), at(DAY / 2))
      .then();
  });

  it('no reminder once the due instant passed: only the lapse is news', () => {
    given(commitmentMade()).when(remind(DAY), at(-1)).then();
  });

  it('no reminder for a fulfilled, withdrawn or lapsed commitment', () => {
    given(commitmentMade(), fulfilled()).when(remind(DAY), at(DAY)).then();
    given(commitmentMade(), lapsed()).when(remind(DAY), at(DAY)).then();
  });

  it('a lead time no longer configured is not sent', () => {
    given(commitmentMade())
      .when(remind(2 * DAY, LEADS), at(2 * DAY))
      .then();
  });

  it('an extension makes the reminders of the new due date due again', () => {
    given(commitmentMade(), deadlineApproaching(DAY), dueDateExtended('2026-03-30'))
      .when(remind(DAY), new Date(Date.parse('2026-03-30T00:00:00Z')))
      .then({
        type: 'commitment.deadline-approaching',
        data: expect.objectContaining({ dueDate: '2026-03-30', leadMs: DAY }) as unknown,
      });
  });

  describe(dueReminder.name, () => {
    const created = new Date(dueAt - 60 * DAY);
    it('is the shortest lead whose instant passed, once', () => {
      const { state } = given(commitmentMade());
      expect(dueReminder(state, LEADS, created, at(31 * DAY))).toBeNull();
      expect(dueReminder(state, LEADS, created, at(30 * DAY))).toBe(30 * DAY);
      expect(dueReminder(state, LEADS, created, at(3 * DAY))).toBe(7 * DAY);
      const reminded = given(commitmentMade(), deadlineApproaching(7 * DAY)).state;
      expect(dueReminder(reminded, LEADS, created, at(3 * DAY))).toBeNull();
      expect(dueReminder(reminded, LEADS, created, at(DAY))).toBe(DAY);
    });

    it('not when the lapse itself already passed, and not for leads already past when the due date was set', () => {
      const { state } = given(commitmentMade());
      expect(dueReminder(state, LEADS, created, at(-1))).toBeNull();
      // Made 3 days before its due date: no "7 days left", but "1 day left" in time.
      expect(dueReminder(state, LEADS, at(3 * DAY), at(2 * DAY))).toBeNull();
      expect(dueReminder(state, LEADS, at(3 * DAY), at(DAY))).toBe(DAY);
    });
  });

  it(`${reminderBlocker.name} names why a reminder is not sent`, () => {
    const { state } = given(commitmentMade(), deadlineApproaching(7 * DAY));
    expect(reminderBlocker(state, 7 * DAY, LEADS, at(6 * DAY))).toBe('already-sent');
    expect(reminderBlocker(state, 30 * DAY, LEADS, at(6 * DAY))).toBe('superseded');
    expect(reminderBlocker(state, DAY, LEADS, at(2 * DAY))).toBe('not-yet');
    expect(reminderBlocker(state, DAY, LEADS, at(DAY))).toBeNull();
  });
});
