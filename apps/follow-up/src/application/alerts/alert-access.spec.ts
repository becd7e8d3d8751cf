import type { Principal } from '@tracker/auth';
import type { Db } from 'mongodb';
import { CommitmentInstitutions } from '../../infrastructure/commitment-institutions';
import { AlertAccess, alertFilterOf, mayAccessAlert } from './alert-access';

const OWN = 'ministry-of-justice';
const OTHER = 'ministry-of-defence';
const ownCommitment = '0190d4c8-0000-7000-8000-0000000000c1';
const otherCommitment = '0190d4c8-0000-7000-8000-0000000000c2';
const recommendation = '0190d4c8-0000-7000-8000-0000000000a1';

// ---- builders ----
const principal = (role: Principal['role'], institution: string | null = null): Principal => ({
  subject: `test-${role}`,
  role,
  institution,
});
const focalPoint = (institution: string | null = OWN) => principal('focal-point', institution);
const about = (itemKind: 'commitment' | 'recommendation', itemId: string) => ({ itemKind, itemId }) as const;

/** Follow-up's tracker rows of commitments, in memory: just what CommitmentInstitutions asks of them. */
const trackerDb = (owners: Record<string, readonly string[]>): Db => {
  const docs = Object.entries(owners).map(([id, institutions]) => ({
    _id: id,
    kind: 'commitment',
    known: true,
    commitment: { id, institutions },
  }));
  return {
    collection: () => ({
      find: (q: { kind: string; known: boolean; 'commitment.institutions': string }) => ({
        toArray: () =>
          Promise.resolve(
            docs.filter(
              (d) =>
                d.kind === q.kind &&
                d.known === q.known &&
                d.commitment.institutions.includes(q['commitment.institutions']),
            ),
          ),
      }),
      findOne: (q: { _id: string }) => Promise.resolve(docs.find((d) => d._id === q._id) ?? null),
    }),
  } as unknown as Db;
};

describe(AlertAccess.name, () => {
  const sut = new AlertAccess(
    new CommitmentInstitutions(
      trackerDb({ [ownCommitment]: [OWN, 'judiciary'], [otherCommitment]: [OTHER] }),
    ),
  );

  it('a focal point’s scope is the commitments its institution answers for; other roles see everything', async () => {
    expect(await sut.scopeOf(focalPoint())).toEqual({ all: false, commitmentIds: [ownCommitment] });
    expect(await sut.scopeOf(focalPoint('judiciary'))).toEqual({
      all: false,
      commitmentIds: [ownCommitment],
    });
    expect(await sut.scopeOf(focalPoint(null))).toEqual({ all: false, commitmentIds: [] });
    for (const role of ['admin', 'secretariat', 'auditor', 'viewer'] as const)
      expect(await sut.scopeOf(principal(role))).toEqual({ all: true });
  });

  it('the feed filter of a scope: alerts about those commitments only, or no condition at all', () => {
    expect(alertFilterOf({ all: true })).toEqual({});
    expect(alertFilterOf({ all: false, commitmentIds: [ownCommitment] })).toEqual({
      itemKind: 'commitment',
      itemId: { $in: [ownCommitment] },
    });
  });

  it('a focal point may access an alert about its own institution’s commitment, and no other', async () => {
    expect(await sut.mayAccess(focalPoint(), about('commitment', ownCommitment))).toBe(true);
    expect(await sut.mayAccess(focalPoint(), about('commitment', otherCommitment))).toBe(false);
    // Unknown to follow-up (not arrived yet): closed.
    expect(await sut.mayAccess(focalPoint(), about('commitment', recommendation))).toBe(false);
    // A recommendation's stale alert belongs to no institution.
    expect(await sut.mayAccess(focalPoint(), about('recommendation', recommendation))).toBe(false);
    expect(await sut.mayAccess(focalPoint(null), about('commitment', ownCommitment))).toBe(false);
  });

  it('other roles may access every alert', () => {
    for (const role of ['admin', 'secretariat', 'auditor', 'viewer'] as const) {
      expect(mayAccessAlert(principal(role), about('commitment', otherCommitment), [OTHER])).toBe(true);
      expect(mayAccessAlert(principal(role), about('recommendation', recommendation), null)).toBe(true);
    }
  });
});
