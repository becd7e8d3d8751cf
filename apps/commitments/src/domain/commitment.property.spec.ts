import fc from 'fast-check';
import {
  AggregateNotFoundError,
  COMMITMENT_STATUSES,
  dueInstantOf,
  InvalidTransitionError,
  RuleViolationError,
  type CommitmentEvent,
  type Evidence,
} from '@tracker/contracts';
import { AggregateRepository, InMemoryEventStore, type AppendMetadata } from '@tracker/event-store';
import {
  Commitment,
  decide,
  evolve,
  initialState,
  type CommitmentCommand,
  type CommitmentDraft,
  type CommitmentState,
} from './commitment';

/**
 * Properties of the Commitment aggregate over arbitrary command sequences, run the way the handlers run
 * them (AggregateRepository: load → decide → append) on an in-memory store with a clock that moves on.
 */

const ID = '0190d4c8-0000-7000-8000-0000000000c1';
const REC = ['0190d4c8-0000-7000-8000-0000000000a1', '0190d4c8-0000-7000-8000-0000000000a2'];
const DAY = 86_400_000;
const EPOCH = Date.parse('2022-01-01T00:00:00Z');
const meta: AppendMetadata = {
  actor: 'property-test',
  role: 'secretariat',
  correlationId: 'property',
  causationId: null,
  occurredAt: '2022-01-01T00:00:00.000Z',
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Cmd = DistributiveOmit<CommitmentCommand, 'commitmentId'>;

// ---- arbitraries: what the edge lets through (dates within a few years of the clock) ----
const day = fc
  .integer({ min: -200, max: 1600 })
  .map((d) => new Date(EPOCH + d * DAY).toISOString().slice(0, 10));
const instant = fc
  .integer({ min: -200 * 24, max: 1600 * 24 })
  .map((h) => new Date(EPOCH + h * 3_600_000).toISOString().replace('.000Z', 'Z'));
const dueDate = fc.oneof({ weight: 3, arbitrary: day }, { weight: 1, arbitrary: instant });
const words = fc.constantFrom(
  'Adopt the GBV law',
  'Investigate Moura',
  'Abolish the death penalty',
  'Protect journalists',
);
const slug = fc.constantFrom('ministry-of-justice', 'judiciary', 'national-assembly', 'ministry-of-defence');
const evidence: fc.Arbitrary<Evidence> = fc.record({
  source: fc.constantFrom('OHCHR', 'MINUSMA', 'Journal officiel'),
  citation: fc.constantFrom(null, 'A/HRC/52/xx para 10'),
  date: fc.option(day, { nil: null }),
  dateNote: fc.constant(null),
  summary: words,
  link: fc.constantFrom(null, 'https://example.org/report'),
  quote: fc.constant(null),
});
const madeAt = fc.record({
  forum: fc.constantFrom('Security Council', 'Human Rights Council'),
  date: fc.option(day, { nil: null }),
  dateNote: fc.constant(null),
  citation: fc.constantFrom('S/PV.9064', 'A/HRC/53/9'),
});
const draft: fc.Arbitrary<CommitmentDraft> = fc.record({
  externalKey: fc.constantFrom(null, 'moura-investigation'),
  title: fc.record({ en: words, fr: fc.constantFrom(null, 'Adopter la loi') }),
  text: words,
  madeAt,
  basisNote: fc.constant(null),
  sourceQuotes: fc.constant([]),
  institutions: fc.uniqueArray(slug, { minLength: 1, maxLength: 3 }),
  dueDate,
  dueDateKind: fc.constantFrom('sourced' as const, 'secretariat-target' as const),
  dueDateNote: fc.constantFrom(null, 'one year after the promise'),
  linkedRecommendationIds: fc.uniqueArray(fc.constantFrom(...REC), { maxLength: 2 }),
});
const command: fc.Arbitrary<Cmd> = fc.oneof(
  draft.map((d): Cmd => ({ type: 'create', draft: d })),
  fc
    .record(
      {
        title: fc.record({ en: words, fr: fc.constant(null) }),
        text: words,
        madeAt,
        institutions: fc.uniqueArray(slug, { minLength: 1, maxLength: 3 }),
        dueDateNote: fc.constantFrom(null, 'revised note'),
        linkedRecommendationIds: fc.uniqueArray(fc.constantFrom(...REC), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((revision): Cmd => ({ type: 'revise', revision })),
  fc
    .record({
      dueDate,
      reason: words,
      kind: fc.constantFrom(undefined, 'sourced' as const, 'secretariat-target' as const),
    })
    .map(({ dueDate: d, reason, kind }): Cmd => ({
      type: 'extend-due-date',
      dueDate: d,
      reason,
      ...(kind ? { dueDateKind: kind } : {}),
    })),
  fc
    .record({
      fulfilledOn: day,
      evidence: fc.array(evidence, { minLength: 1, maxLength: 2 }),
      note: fc.constantFrom(null, 'law promulgated'),
    })
    .map((f): Cmd => ({ type: 'fulfil', ...f })),
  fc
    .record({ withdrawnOn: fc.option(day, { nil: undefined }), reason: words })
    .map(({ withdrawnOn, reason }): Cmd => ({
      type: 'withdraw',
      reason,
      ...(withdrawnOn ? { withdrawnOn } : {}),
    })),
  fc.constant<Cmd>({ type: 'mark-lapsed' }),
);
/** A command and how far the clock moves before it runs (often not at all, sometimes a year). */
const step = fc.tuple(command, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 * DAY })));
const scenario = fc.tuple(draft, fc.array(step, { maxLength: 25 }));

const DOMAIN_ERRORS = [AggregateNotFoundError, InvalidTransitionError, RuleViolationError];
const isDomainError = (err: unknown): boolean => DOMAIN_ERRORS.some((E) => err instanceof E);
const fold = (events: readonly CommitmentEvent[]): CommitmentState => events.reduce(evolve, initialState);
const TERMINAL = new Set(['fulfilled', 'withdrawn']);

interface Run {
  /** Events as stored, with their versions. */
  readonly stored: readonly { readonly version: number; readonly event: CommitmentEvent }[];
  /** State after each command, as the handler returned it. */
  readonly states: readonly CommitmentState[];
}

/** Runs a scenario through the real repository; every throw must be a typed domain error. */
const run = async (first: CommitmentDraft, steps: readonly (readonly [Cmd, number])[]): Promise<Run> => {
  let now = EPOCH;
  const store = new InMemoryEventStore(() => new Date(now));
  const sut = new AggregateRepository(store, Commitment, () => new Date(now));
  const states: CommitmentState[] = [];
  const commands: Cmd[] = [{ type: 'create', draft: first }, ...steps.map(([c]) => c)];
  const advances = [0, ...steps.map(([, ms]) => ms)];
  for (const [i, cmd] of commands.entries()) {
    now += advances[i] ?? 0;
    try {
      const result = await sut.execute(ID, { ...cmd, commitmentId: ID }, meta);
      // What the handler answers with equals what the next handler will load from the store.
      expect((await sut.load(ID)).state).toEqual(result.state);
      states.push(result.state);
    } catch (err) {
      if (!isDomainError(err)) throw err;
    }
  }
  const stored = (await store.readStream(`commitment-${ID}`)).map((r) => {
    const parsed = Commitment.registry.parse<CommitmentEvent>({ ...r, position: 0 });
    return {
      version: r.version,
      event: { type: parsed.type, schemaVersion: parsed.schemaVersion, data: parsed.data } as CommitmentEvent,
    };
  });
  return { stored, states };
};

describe(`${Commitment.name} (properties)`, () => {
  it('decide throws nothing but typed domain errors, and every event it emits meets its contract', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), fc.integer({ min: -100, max: 2000 }), (steps, at) => {
        let state: CommitmentState = initialState;
        let now = EPOCH + at * DAY;
        for (const [cmd, ms] of steps) {
          now += ms;
          let events: CommitmentEvent[] = [];
          try {
            events = decide({ ...cmd, commitmentId: ID }, state, new Date(now));
          } catch (err) {
            expect(isDomainError(err)).toBe(true);
          }
          for (const e of events)
            Commitment.registry.parse({
              ...e,
              eventId: 'e',
              streamId: 's',
              version: 1,
              position: 0,
            } as never);
          state = events.reduce(evolve, state);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stored versions run 1..n without gaps; the state a handler returns is the fold of the stored events', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([first, steps]) => {
        const { stored, states } = await run(first, steps);
        expect(stored.map((s) => s.version)).toEqual(stored.map((_, i) => i + 1));
        expect(fold(stored.map((s) => s.event))).toEqual(states[states.length - 1] ?? initialState);
      }),
      { numRuns: 100 },
    );
  });

  it('folding is deterministic: the same events give the same state, also after a JSON round trip', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([first, steps]) => {
        const events = (await run(first, steps)).stored.map((s) => s.event);
        const copy = JSON.parse(JSON.stringify(events)) as CommitmentEvent[];
        expect(fold(copy)).toEqual(fold(events));
        expect(fold(events)).toEqual(fold(events));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the lifecycle: fulfilled and withdrawn are final, never lapse; lapses only when due; due dates only move later', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([first, steps]) => {
        const { stored, states } = await run(first, steps);
        for (const s of states) if (s.exists) expect(COMMITMENT_STATUSES).toContain(s.status);
        let state: CommitmentState = initialState;
        for (const [i, { event }] of stored.entries()) {
          if (state.exists) {
            // Nothing is appended to a closed commitment: no lapse, no reopening, no change at all.
            expect({ closed: TERMINAL.has(state.status), then: event.type }).toEqual({
              closed: false,
              then: event.type,
            });
            if (event.type === 'commitment.lapsed') {
              expect(state.status).toBe('open');
              expect(Date.parse(event.data.dueAt)).toBeLessThanOrEqual(Date.parse(event.data.lapsedAt));
            }
            if (event.type === 'commitment.due-date-extended') {
              expect(event.data.previousDueDate).toBe(state.dueDate);
              expect(dueInstantOf(event.data.dueDate).getTime()).toBeGreaterThan(
                dueInstantOf(state.dueDate).getTime(),
              );
            }
            if (event.type === 'commitment.reopened') {
              expect(state.status).toBe('lapsed');
              expect(stored[i - 1]?.event.type).toBe('commitment.due-date-extended');
            }
          } else {
            expect(event.type).toBe('commitment.created');
          }
          state = evolve(state, event);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a closed commitment refuses every change with InvalidTransitionError (or decides nothing)', () => {
    fc.assert(
      fc.property(draft, command, fc.boolean(), (d, cmd, fulfilled) => {
        const made = decide(
          { type: 'create', draft: { ...d, madeAt: { ...d.madeAt, date: null } }, commitmentId: ID },
          initialState,
          new Date(EPOCH),
        );
        const closing: CommitmentEvent = fulfilled
          ? {
              type: 'commitment.fulfilled',
              schemaVersion: 1,
              data: {
                commitmentId: ID,
                fulfilledOn: '2022-01-01',
                evidence: [
                  {
                    source: 'OHCHR',
                    citation: null,
                    date: null,
                    dateNote: null,
                    summary: 'done',
                    link: null,
                    quote: null,
                  },
                ],
                note: null,
              },
            }
          : {
              type: 'commitment.withdrawn',
              schemaVersion: 1,
              data: { commitmentId: ID, withdrawnOn: '2022-01-01', reason: 'superseded' },
            };
        const state = fold([...made, closing]);
        let events: CommitmentEvent[] = [];
        try {
          events = decide({ ...cmd, commitmentId: ID }, state, new Date(EPOCH + 5000 * DAY));
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidTransitionError);
        }
        expect(events).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
