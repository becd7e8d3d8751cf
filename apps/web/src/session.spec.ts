import { canChangeCommitment, canRecordAssessment, sessionOf } from './session';

/** A token's shape (the page never checks a signature: the API does). */
const tokenWith = (claims: Record<string, unknown>): string =>
  `header.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.signature`;
const commitmentOf = (institutions: string[]) => ({ kind: 'commitment', commitment: { institutions } });
const recommendation = { kind: 'recommendation', commitment: null };

describe(sessionOf.name, () => {
  it('reads the role, institution and expiry the token carries', () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = tokenWith({ sub: 'a', role: 'focal-point', institution: 'ministry-of-justice', exp });
    const session = sessionOf(token);
    expect(session).toMatchObject({ token, role: 'focal-point', institution: 'ministry-of-justice' });
    expect(session?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('is null for what is not a token of ours', () => {
    expect(sessionOf('not-a-token')).toBeNull();
    expect(sessionOf(tokenWith({ role: 'king', exp: 1 }))).toBeNull();
    expect(sessionOf(tokenWith({ role: 'viewer' }))).toBeNull();
  });
});

describe(canRecordAssessment.name, () => {
  const as = (
    role: 'admin' | 'secretariat' | 'focal-point' | 'auditor' | 'viewer',
    institution: string | null = null,
  ) => ({ token: 't', role, institution, expiresAt: 0 }) as const;

  it('offers the form to the secretariat and admin on any item', () => {
    expect(canRecordAssessment(as('secretariat'), recommendation)).toBe(true);
    expect(canRecordAssessment(as('admin'), commitmentOf(['x']))).toBe(true);
  });

  it('offers it to a focal point on its own institution’s commitments only', () => {
    const fp = as('focal-point', 'ministry-of-justice');
    expect(canRecordAssessment(fp, commitmentOf(['ministry-of-justice', 'judiciary']))).toBe(true);
    expect(canRecordAssessment(fp, commitmentOf(['ministry-of-health']))).toBe(false);
    expect(canRecordAssessment(fp, recommendation)).toBe(false);
    expect(canRecordAssessment(as('focal-point'), commitmentOf(['ministry-of-justice']))).toBe(false);
  });

  it('never offers it to auditors and viewers', () => {
    expect(canRecordAssessment(as('auditor'), recommendation)).toBe(false);
    expect(canRecordAssessment(as('viewer'), commitmentOf(['x']))).toBe(false);
  });
});

describe(canChangeCommitment.name, () => {
  it('is offered on commitments only, to the same writers', () => {
    const secretariat = { token: 't', role: 'secretariat', institution: null, expiresAt: 0 } as const;
    expect(canChangeCommitment(secretariat, commitmentOf(['x']))).toBe(true);
    expect(canChangeCommitment(secretariat, recommendation)).toBe(false);
  });
});
