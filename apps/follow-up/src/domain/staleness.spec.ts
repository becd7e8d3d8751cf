import { RuleViolationError, type FollowUpEvent } from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import {
  decide,
  effectiveStaleAfterMs,
  evolve,
  initialState,
  isStaleDue,
  Staleness,
  type StalenessCommand,
} from './staleness';

const rec = '0190d4c8-0000-7000-8000-0000000000a1';
const assessmentId = '0190d4c8-0000-7000-8000-0000000000f1';
const DAY = 86_400_000;
const N = 90 * DAY;
const since = '2026-01-01T00:00:00.000Z';
const after = (ms: number, from = since): Date => new Date(Date.parse(from) + ms);

// ---- builders ----
type MarkStale = Extract<StalenessCommand, { type: 'mark-stale' }>;
const markStale = (over: Partial<MarkStale> = {}): StalenessCommand => ({
  type: 'mark-stale',
  assessmentId,
  target: { kind: 'recommendation', id: rec },
  since,
  lastAssessedAt: null,
  staleAfterMs: N,
  dayMs: DAY,
  ...over,
});
const setStalePeriod = (staleAfterDays: number | null): StalenessCommand => ({
  type: 'set-stale-period',
  assessmentId,
  target: { kind: 'recommendation', id: rec },
  staleAfterDays,
});
const stalePeriodSet = (staleAfterDays: number | null): FollowUpEvent => ({
  type: 'assessment.stale-period-set',
  schemaVersion: 1,
  data: { assessmentId, target: { kind: 'recommendation', id: rec }, staleAfterDays },
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
const given = deciderSpec(Staleness);

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

  describe('an item’s own period', () => {
    it('is set with an event; setting it again decides nothing; null clears it', () => {
      given().when(setStalePeriod(30), after(0)).then(stalePeriodSet(30));
      given(stalePeriodSet(30)).when(setStalePeriod(30), after(0)).then();
      given(stalePeriodSet(30)).when(setStalePeriod(null), after(0)).then(stalePeriodSet(null));
      given().when(setStalePeriod(null), after(0)).then();
      given(stalePeriodSet(30)).when(setStalePeriod(0), after(0)).then(stalePeriodSet(0));
    });

    it('refuses what is not a whole number of days from 0 to 3650', () => {
      for (const days of [-1, 1.5, 3651, Number.NaN])
        expect(() => decide(setStalePeriod(days), initialState, after(0))).toThrow(RuleViolationError);
    });

    it('replaces the global N: stale at since + its own period, with that N in the event', () => {
      given(stalePeriodSet(10))
        .when(markStale(), after(10 * DAY - 1))
        .then();
      given(stalePeriodSet(10))
        .when(markStale(), after(10 * DAY))
        .then({
          type: 'assessment.stale',
          data: expect.objectContaining({
            period: 1,
            staleAfterMs: 10 * DAY,
            staleAt: after(10 * DAY).toISOString(),
          }) as unknown,
        });
    });

    it('0: never stale, however long; cleared: the global N again', () => {
      given(stalePeriodSet(0))
        .when(markStale(), after(20 * N))
        .then();
      given(stalePeriodSet(10), stalePeriodSet(null))
        .when(markStale(), after(10 * DAY))
        .then();
      given(stalePeriodSet(10), stalePeriodSet(null))
        .when(markStale(), after(N))
        .then({ type: 'assessment.stale', data: expect.objectContaining({ staleAfterMs: N }) as unknown });
    });

    it('with no global period (0) only items with their own period go stale', () => {
      given()
        .when(markStale({ staleAfterMs: 0 }), after(20 * N))
        .then();
      given(stalePeriodSet(10))
        .when(markStale({ staleAfterMs: 0 }), after(10 * DAY))
        .then({ type: 'assessment.stale', data: expect.objectContaining({ period: 1 }) as unknown });
    });

    it('a shorter period after a mark does not raise the instant already marked again', () => {
      // Marked at since + 90 d; N becomes 30 d: since + 90 d is period 3 now, already raised.
      given(markedStale(1), stalePeriodSet(30))
        .when(markStale(), after(N + DAY))
        .then();
      given(markedStale(1), stalePeriodSet(30))
        .when(markStale(), after(120 * DAY))
        .then({
          type: 'assessment.stale',
          data: expect.objectContaining({ period: 4, staleAfterMs: 30 * DAY }) as unknown,
        });
    });

    it(`${effectiveStaleAfterMs.name}: own days × day length, else the global N`, () => {
      expect(effectiveStaleAfterMs(null, N, DAY)).toBe(N);
      expect(effectiveStaleAfterMs(7, N, DAY)).toBe(7 * DAY);
      expect(effectiveStaleAfterMs(0, N, DAY)).toBe(0);
      expect(isStaleDue(initialState, since, 0, after(100 * N))).toBe(false);
    });
  });
});
