import { emptyDraft, fieldOfPath, validateDraft } from './assessment-draft';

const target = { kind: 'recommendation' as const, id: '0199aa00-0000-7000-8000-000000000000' };
const today = '2025-06-30';

describe(validateDraft.name, () => {
  it('makes the API request from a complete draft, evidence and all', () => {
    const draft = {
      ...emptyDraft(today),
      status: 'implemented',
      note: '  Law promulgated. ',
      evidenceSource: 'Journal officiel',
      evidenceSummary: 'Law 2025-01 published.',
      evidenceLink: 'https://example.org/jo',
    };
    expect(validateDraft(draft, target, today)).toEqual({
      request: {
        target,
        status: 'implemented',
        assessedOn: today,
        note: 'Law promulgated.',
        evidence: [
          {
            source: 'Journal officiel',
            summary: 'Law 2025-01 published.',
            citation: null,
            date: null,
            dateNote: null,
            link: 'https://example.org/jo',
            quote: null,
          },
        ],
      },
    });
  });

  it('sends no evidence when none was given', () => {
    const result = validateDraft({ ...emptyDraft(today), status: 'not-started' }, target, today);
    expect(result).toMatchObject({ request: { evidence: [], note: null } });
  });

  it('says which fields are wrong before anything is sent', () => {
    const draft = {
      ...emptyDraft('2025-07-01'),
      evidenceSource: 'Journal officiel',
      evidenceLink: 'ftp://example.org',
      evidenceDate: '2025-02-30',
    };
    expect(validateDraft(draft, target, today)).toEqual({
      errors: {
        status: { key: 'error.required' },
        assessedOn: { key: 'error.future' },
        evidenceSummary: { key: 'error.summaryNeeded' },
        evidenceDate: { key: 'error.date' },
        evidenceLink: { key: 'error.url' },
      },
    });
  });
});

describe(fieldOfPath.name, () => {
  it('maps the API’s problem paths to the form’s fields', () => {
    expect(fieldOfPath('evidence.0.link')).toBe('evidenceLink');
    expect(fieldOfPath('assessedOn')).toBe('assessedOn');
    expect(fieldOfPath('target.id')).toBeUndefined();
    expect(fieldOfPath('constructor')).toBeUndefined();
  });
});
