import fc from 'fast-check';
import {
  AggregateNotFoundError,
  InvalidTransitionError,
  POSITIONS,
  RuleViolationError,
  type Position,
  type RecommendationEvent,
} from '@tracker/contracts';
import { AggregateRepository, InMemoryEventStore, type AppendMetadata } from '@tracker/event-store';
import {
  decide,
  evolve,
  initialState,
  Recommendation,
  type RecommendationCommand,
  type RecommendationDraft,
  type RecommendationState,
} from './recommendation';

/**
 * Properties of the Recommendation aggregate over arbitrary command sequences, run the way the handlers
 * run them (AggregateRepository: load → decide → append) on an in-memory store.
 */

const ID = '0190d4c8-0000-7000-8000-0000000000a1';
const NOW = new Date('2026-01-15T10:00:00Z');
const meta: AppendMetadata = {
  actor: 'property-test',
  role: 'secretariat',
  correlationId: 'property',
  causationId: null,
  occurredAt: NOW.toISOString(),
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Cmd = DistributiveOmit<RecommendationCommand, 'recommendationId'>;

// ---- arbitraries: what the edge lets through ----
const text = fc.constantFrom(
  'Adopt the law on gender-based violence',
  'Abolish the death penalty',
  'Protect journalists',
);
const slug = fc.constantFrom(
  'gender-based-violence',
  'death-penalty',
  'freedom-of-expression',
  'women',
  'children',
);
const slugs = fc.array(slug, { maxLength: 4 });
const sdg = fc.array(fc.constantFrom('5.2', '16.3', '16.a'), { maxLength: 3 });
const date = fc.constantFrom('2019-03-22', '2023-05-02', '2024-01-10');
const position: fc.Arbitrary<Position> = fc.record({
  value: fc.constantFrom(...POSITIONS),
  date: fc.option(date, { nil: null }),
  source: fc.constantFrom(null, 'A/HRC/53/9/Add.1'),
});
const draft: fc.Arbitrary<RecommendationDraft> = fc.record({
  externalKey: fc.constantFrom(null, 'upr-2023-ecuador-1'),
  mechanism: fc.constantFrom('upr' as const, 'hrc-resolution' as const, 'treaty-body' as const),
  recommendingEntities: fc.uniqueArray(fc.constantFrom('Ecuador', 'United States', 'Human Rights Council'), {
    minLength: 1,
    maxLength: 2,
  }),
  document: fc.record({
    symbol: fc.constantFrom(null, 'A/HRC/RES/40/26'),
    paragraph: fc.constantFrom(null, 'OP11'),
    citation: fc.constantFrom('A/HRC/RES/40/26 OP11', 'UPR Mali 2023 — Ecuador, bullet 1'),
    date: fc.constantFrom('2019-03-22', '2023-05', '2023'),
  }),
  upr: fc.option(
    fc.record({
      cycle: fc.integer({ min: 1, max: 4 }),
      session: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
    }),
    {
      nil: null,
    },
  ),
  text: fc.record({ en: text, fr: fc.constantFrom(null, 'Adopter la loi') }),
  themes: fc.uniqueArray(slug, { maxLength: 3 }),
  affectedGroups: fc.uniqueArray(slug, { maxLength: 2 }),
  sdgTargets: fc.uniqueArray(fc.constantFrom('5.2', '16.3'), { maxLength: 2 }),
  position: fc.option(position, { nil: null }),
  clusterKey: fc.option(slug, { nil: null }),
  published: fc.boolean(),
});
const command: fc.Arbitrary<Cmd> = fc.oneof(
  draft.map((d): Cmd => ({ type: 'create', draft: d })),
  fc
    .record({ en: text, fr: fc.constantFrom(null, 'Abolir la peine de mort') }, { requiredKeys: [] })
    .map((t): Cmd => ({ type: 'revise-text', ...t })),
  position.map((p): Cmd => ({ type: 'record-position', position: p })),
  fc
    .record({ themes: slugs, affectedGroups: slugs, sdgTargets: sdg }, { requiredKeys: [] })
    .map((t): Cmd => ({ type: 'tag', ...t })),
  fc.option(slug, { nil: null }).map((clusterKey): Cmd => ({ type: 'assign-cluster', clusterKey })),
  fc.boolean().map((published): Cmd => ({ type: 'set-publication', published })),
);
const scenario = fc.tuple(draft, fc.array(command, { maxLength: 25 }));

const DOMAIN_ERRORS = [AggregateNotFoundError, InvalidTransitionError, RuleViolationError];
const isDomainError = (err: unknown): boolean => DOMAIN_ERRORS.some((E) => err instanceof E);
const fold = (events: readonly RecommendationEvent[]): RecommendationState =>
  events.reduce(evolve, initialState);
const withId = (cmd: Cmd): RecommendationCommand => ({ ...cmd, recommendationId: ID });

const run = async (
  first: RecommendationDraft,
  commands: readonly Cmd[],
): Promise<{ versions: number[]; events: RecommendationEvent[]; last: RecommendationState }> => {
  const store = new InMemoryEventStore(() => NOW);
  const sut = new AggregateRepository(store, Recommendation, () => NOW);
  let last: RecommendationState = initialState;
  for (const cmd of [{ type: 'create', draft: first } as Cmd, ...commands]) {
    try {
      const result = await sut.execute(ID, withId(cmd), meta);
      expect((await sut.load(ID)).state).toEqual(result.state);
      last = result.state;
    } catch (err) {
      if (!isDomainError(err)) throw err;
    }
  }
  const recorded = await store.readStream(`recommendation-${ID}`);
  const events = recorded.map((r) => {
    const e = Recommendation.registry.parse<RecommendationEvent>({ ...r, position: 0 });
    return { type: e.type, schemaVersion: e.schemaVersion, data: e.data } as RecommendationEvent;
  });
  return { versions: recorded.map((r) => r.version), events, last };
};

describe(`${Recommendation.name} (properties)`, () => {
  it('stored versions run 1..n; the handler state is the fold of the stored events; folding is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([first, commands]) => {
        const { versions, events, last } = await run(first, commands);
        expect(versions).toEqual(versions.map((_, i) => i + 1));
        expect(fold(events)).toEqual(last);
        expect(fold(JSON.parse(JSON.stringify(events)) as RecommendationEvent[])).toEqual(fold(events));
      }),
      { numRuns: 60 },
    );
  });

  it('decide throws only typed domain errors; positions stay in the vocabulary; events meet their contracts', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        let state: RecommendationState = initialState;
        for (const cmd of commands) {
          let events: RecommendationEvent[] = [];
          try {
            events = decide(withId(cmd), state, NOW);
          } catch (err) {
            expect(isDomainError(err)).toBe(true);
            if (!state.exists)
              expect(err).toBeInstanceOf(
                cmd.type === 'create' ? InvalidTransitionError : AggregateNotFoundError,
              );
          }
          for (const e of events)
            Recommendation.registry.parse({
              ...e,
              eventId: 'e',
              streamId: 's',
              version: 1,
              position: 0,
            } as never);
          state = events.reduce(evolve, state);
          if (state.exists && state.position) expect(POSITIONS).toContain(state.position.value);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every command is idempotent: running it again on the state it produced decides nothing', () => {
    fc.assert(
      fc.property(draft, fc.array(command, { maxLength: 10 }), command, (first, before, cmd) => {
        let state = fold(decide(withId({ type: 'create', draft: first }), initialState, NOW));
        for (const c of before) {
          try {
            state = decide(withId(c), state, NOW).reduce(evolve, state);
          } catch {
            // a refused command changes nothing
          }
        }
        let once: RecommendationEvent[];
        try {
          once = decide(withId(cmd), state, NOW);
        } catch (err) {
          expect(isDomainError(err)).toBe(true);
          return;
        }
        expect(decide(withId(cmd), once.reduce(evolve, state), NOW)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
