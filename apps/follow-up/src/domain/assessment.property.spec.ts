import fc from 'fast-check';
import {
  ASSESSMENT_STATUSES,
  assessmentIdFor,
  RuleViolationError,
  type AssessmentTarget,
  type Evidence,
  type FollowUpEvent,
} from '@tracker/contracts';
import { AggregateRepository, InMemoryEventStore, type AppendMetadata } from '@tracker/event-store';
import {
  Assessment,
  decide,
  evolve,
  initialState,
  type AssessmentCommand,
  type AssessmentState,
} from './assessment';

/**
 * Properties of the Assessment history over arbitrary sequences of assessments, run the way the handler
 * runs them (AggregateRepository: load → decide → append) on an in-memory store.
 */

const target: AssessmentTarget = { kind: 'commitment', id: '0190d4c8-0000-7000-8000-0000000000c1' };
const ID = assessmentIdFor(target);
const DAY = 86_400_000;
const NOW = new Date('2026-01-15T10:00:00Z');
const TODAY = NOW.toISOString().slice(0, 10);
const meta: AppendMetadata = {
  actor: 'property-test',
  role: 'secretariat',
  correlationId: 'property',
  causationId: null,
  occurredAt: NOW.toISOString(),
};

/** Days around "now", future ones included (the edge lets them through; the domain refuses them). */
const day = fc
  .integer({ min: -900, max: 30 })
  .map((d) => new Date(NOW.getTime() + d * DAY).toISOString().slice(0, 10));
const evidence: fc.Arbitrary<Evidence> = fc.record({
  source: fc.constantFrom('OHCHR', 'MINUSMA'),
  citation: fc.constantFrom(null, 'A/HRC/52/xx para 10'),
  date: fc.option(day, { nil: null }),
  dateNote: fc.constant(null),
  summary: fc.constantFrom('Draft law adopted by the Council of Ministers', 'No progress reported'),
  link: fc.constantFrom(null, 'https://example.org/report'),
  quote: fc.constant(null),
});
const record: fc.Arbitrary<AssessmentCommand> = fc.record({
  type: fc.constant('record' as const),
  assessmentId: fc.constant(ID),
  target: fc.constant(target),
  status: fc.constantFrom(...ASSESSMENT_STATUSES),
  assessedOn: day,
  evidence: fc.array(evidence, { maxLength: 2 }),
  assessor: fc.constantFrom('test-secretariat', 'test-focal-point'),
  note: fc.constantFrom(null, 'see the annual report'),
});
/** Repeats are likely: the same assessment recorded twice must not grow the history. */
const records = fc
  .array(record, { minLength: 1, maxLength: 6 })
  .chain((pool) => fc.array(fc.constantFrom(...pool), { maxLength: 20 }));

const fold = (events: readonly FollowUpEvent[]): AssessmentState => events.reduce(evolve, initialState);

describe(`${Assessment.name} (properties)`, () => {
  it('the history only grows, never changes what was recorded, and equals the fold of the stored events', async () => {
    await fc.assert(
      fc.asyncProperty(records, async (commands) => {
        const store = new InMemoryEventStore(() => NOW);
        const sut = new AggregateRepository(store, Assessment, () => NOW);
        let before: AssessmentState = initialState;
        for (const cmd of commands) {
          try {
            const { state } = await sut.execute(ID, cmd, meta);
            expect(state.recorded.slice(0, before.recorded.length)).toEqual(before.recorded);
            expect(state.recorded.length - before.recorded.length).toBeLessThanOrEqual(1);
            expect((await sut.load(ID)).state).toEqual(state);
            before = state;
          } catch (err) {
            expect(err).toBeInstanceOf(RuleViolationError);
          }
        }
        const stored = await store.readStream(`assessment-${ID}`);
        expect(stored.map((e) => e.version)).toEqual(stored.map((_, i) => i + 1));
        const events = stored.map((r) => {
          const e = Assessment.registry.parse<FollowUpEvent>({ ...r, position: 0 });
          return { type: e.type, schemaVersion: e.schemaVersion, data: e.data } as FollowUpEvent;
        });
        expect(fold(events)).toEqual(before);
        expect(fold(JSON.parse(JSON.stringify(events)) as FollowUpEvent[])).toEqual(fold(events));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses exactly the future assessments and evidence dated after the assessment; statuses stay in the vocabulary', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 10 }), record, (history, cmd) => {
        const state = history.reduce<AssessmentState>((s, c) => {
          try {
            return decide(c, s, NOW).reduce(evolve, s);
          } catch {
            return s;
          }
        }, initialState);
        const future = cmd.assessedOn > TODAY;
        const late = cmd.evidence.some((e) => e.date !== null && e.date > cmd.assessedOn);
        let events: FollowUpEvent[] = [];
        try {
          events = decide(cmd, state, NOW);
        } catch (err) {
          expect(err).toBeInstanceOf(RuleViolationError);
          expect(future || late).toBe(true);
          return;
        }
        expect(future || late).toBe(false);
        for (const e of events)
          if (e.type === 'assessment.recorded') expect(ASSESSMENT_STATUSES).toContain(e.data.status);
        // Recording it again is a no-op: a retried request does not grow the history.
        expect(decide(cmd, events.reduce(evolve, state), NOW)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
