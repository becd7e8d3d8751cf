import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { TrackerReader } from './tracker-reader';

const principal = (role: Principal['role']): Principal => ({ subject: role, role, institution: null });
const recommendation = (id: string, published: boolean, known = true) => ({
  _id: id,
  itemId: id,
  kind: 'recommendation',
  known,
  recommendation: { themes: [], clusterKey: null, published, citation: `doc para ${id}` },
  claimedBy: [],
  keys: [],
});
const rows: Record<string, unknown>[] = [
  recommendation('rec-public', true),
  recommendation('rec-draft', false),
  recommendation('rec-unknown', true, false),
];

/** The tracker collection in memory: `_id` lookups answer (no commitment claims these rows). */
const db = {
  collection: () => ({
    findOne: (q: { _id: string }) => Promise.resolve(rows.find((r) => r._id === q._id) ?? null),
    find: () => ({ toArray: () => Promise.resolve([]) }),
  }),
} as unknown as Db;

describe(`${TrackerReader.name}.get`, () => {
  const sut = new TrackerReader(db);
  const now = new Date('2026-01-01T00:00:00Z');

  it.each([
    ['rec-public', 'viewer', true],
    ['rec-draft', 'viewer', false],
    ['rec-draft', 'auditor', true],
    ['rec-draft', 'secretariat', true],
    ['rec-unknown', 'secretariat', false],
    ['nothing', 'admin', false],
  ] as const)('%s as %s: found %s', async (id, role, found) => {
    const answer = await sut.get(id, principal(role), now);
    expect(answer?.itemId ?? null).toBe(found ? id : null);
  });
});
