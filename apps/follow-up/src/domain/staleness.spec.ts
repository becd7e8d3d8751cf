import type { FollowUpEvent } from '@tracker/contracts';
import { decide, evolve, initialState, isStaleDue, Staleness, type StalenessCommand } from './staleness';

const rec = '0190d4c8-0000-7000-8000-0000000000a1';
const assessmentId = '0190d4c8-0000-7000-8000-0000000000f1';
const DAY = 86_400_000;
const N = 90 * DAY;
const since = '2026-01-01T00:00:00.000Z';
const after = (ms: number, from = since): Date => new Date(Date.parse(from) + ms);

// ---- builders ----
const markStale = (over: Partial<StalenessCommand> = {}): StalenessCommand => ({
  type: 'mark-stale',
  assessmentId,
  target: { kind: 'recommendation', id: rec },
  since,
  lastAssessedAt: null,
  staleAfterMs: N,
  ...over,
});
const markedStale = (period: number, from = since): FollowUpEvent => ({
  type: 'assessment.stale',
  schemaVersion: 1,
  data: {
    assessmentId,
    target: { kind: 'recommendation', id: rec },
    since: from,
    lastAssessedAt: null,
    staleAfterMs: N,
    period,
    staleAt: after(period * N, from).toISOString(),
    detectedAt: after(period * N, from).toISOString(),
  },
});
const given = (...events: FollowUpEvent[]) => ({
  when: (cmd: StalenessCommand, now: Date) => ({
    then: (...expected: object[]) =>
      expect(decide(cmd, events.reduce(evolve, initialState), now)).toEqual(
        expected.map((e) => expect.objectContaining(e) as unknown),
      ),
  }),
});

describe(Staleness.name, () => {
  it('an item N without an assessment is stale: period 1, reached at since + N', () => {
    given()
      .when(markStale(), after(N + 1_000))
      .then({
        type: 'assessment.stale',
        data: expect.objectContaining({
          since,
          period: 1,
          staleAfterMs: N,
          staleAt: '2026-04-01T00:00:00.000Z',
          detectedAt: after(N + 1_000).toISOString(),
        }) as unknown,
      });
  });

  it('not before N', () => {
    given()
      .when(markStale(), after(N - 1))
      .then();
  });

  it('once per period: the same period again decides nothing, the next period raises again', () => {
    given(markedStale(1))
      .when(markStale(), after(N + 5 * DAY))
      .then();
    given(markedStale(1))
      .when(markStale(), after(2 * N))
      .then({ type: 'assessment.stale', data: expect.objectContaining({ period: 2 }) as unknown });
  });

  it('down for three periods: one event, late, for the period it is in', () => {
    given()
      .when(markStale(), after(3 * N + DAY))
      .then({ type: 'assessment.stale', data: expect.objectContaining({ period: 3 }) as unknown });
  });

  it('a new assessment restarts the clock: stale again only N after it', () => {
    const assessed = '2026-05-01T00:00:00.000Z';
    given(markedStale(1))
      .when(markStale({ since: assessed, lastAssessedAt: assessed }), after(N - 1, assessed))
      .then();
    given(markedStale(1))
      .when(markStale({ since: assessed, lastAssessedAt: assessed }), after(N, assessed))
      .then({
        type: 'assessment.stale',
        data: expect.objectContaining({ since: assessed, lastAssessedAt: assessed, period: 1 }) as unknown,
      });
  });

  it(`${isStaleDue.name} agrees with decide`, () => {
    const marked = [markedStale(1)].reduce(evolve, initialState);
    expect(isStaleDue(initialState, since, N, after(N))).toBe(true);
    expect(isStaleDue(marked, since, N, after(N + DAY))).toBe(false);
    expect(isStaleDue(marked, since, N, after(2 * N))).toBe(true);
  });
});
