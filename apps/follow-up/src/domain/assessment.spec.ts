import { assessmentIdFor, RuleViolationError, type Evidence, type FollowUpEvent } from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import { Assessment, evolve, initialState, type AssessmentCommand } from './assessment';

const target = { kind: 'recommendation' as const, id: '0190d4c8-0000-7000-8000-0000000000a1' };
const assessmentId = assessmentIdFor(target);
const now = new Date('2026-01-15T10:00:00Z');
const evidence = (date: string | null = '2023-05-02'): Evidence => ({
  source: 'sc-hr-brief-mali-2023',
  citation: 'UPR Mali 2023 — Gabon, bullet 2',
  date,
  dateNote: null,
  summary: 'Gabon asks Mali to finalize the GBV law.',
  link: null,
  quote: 'including finalizing the law',
});
const record = (over: Partial<AssessmentCommand> = {}): AssessmentCommand => ({
  type: 'record',
  assessmentId,
  target,
  status: 'not-implemented',
  assessedOn: '2023-05-02',
  evidence: [evidence()],
  assessor: 'secretariat-seed',
  note: null,
  ...over,
});
const recorded = (over: Partial<AssessmentCommand> = {}): FollowUpEvent => {
  const { type: _t, ...data } = record(over);
  return { type: 'assessment.recorded', schemaVersion: 1, data: { ...data, evidence: [...data.evidence] } };
};
const given = deciderSpec(Assessment, { now });

describe(Assessment.name, () => {
  it('records an assessment, back-dated if need be', () => {
    given().when(record()).then(recorded());
  });

  it('keeps the history: a later or an earlier assessment is another event, never an overwrite', () => {
    const later = record({ status: 'in-progress', assessedOn: '2024-01-10' });
    given(recorded())
      .when(later)
      .then(recorded({ status: 'in-progress', assessedOn: '2024-01-10' }));
    const state = [recorded(), recorded({ status: 'in-progress', assessedOn: '2024-01-10' })].reduce(
      evolve,
      initialState,
    );
    expect(state.recorded.map((r) => r.status)).toEqual(['not-implemented', 'in-progress']);
  });

  it('the same assessment again (a re-run seed) is a no-op, whoever sends it', () => {
    given(recorded())
      .when(record({ assessor: 'someone-else' }))
      .then();
  });

  it('refuses a future assessment date and evidence dated after the assessment', () => {
    given()
      .when(record({ assessedOn: '2026-01-16' }))
      .thenThrows(RuleViolationError);
    given()
      .when(record({ evidence: [evidence('2024-01-01')] }))
      .thenThrows(RuleViolationError, /after the assessment date/);
    expect(
      given()
        .when(record({ evidence: [evidence(null)] }))
        .events(),
    ).toHaveLength(1);
  });
});
