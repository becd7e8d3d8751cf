import { type DigestCandidates, digestFor, lapseRecipients } from './mail-audience';
import type { MailItem } from './mail-content';
import type { RecipientRow } from './recipients.projection';

const person = (id: string, over: Partial<RecipientRow> = {}): RecipientRow => ({
  recipientId: id,
  email: `${id}@example.org`,
  name: id,
  language: 'fr',
  audience: { kind: 'institution', institution: 'ministry-of-justice' },
  mode: 'immediate',
  paused: false,
  removed: false,
  version: 1,
  registeredAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...over,
});
const item = (id: string): MailItem => ({
  id,
  kind: 'commitment',
  label: { en: id, fr: null },
  citation: 'doc, para. 1',
  due: null,
  link: `http://x/items/${id}`,
});
const now = new Date('2026-12-07T07:00:00.000Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();

describe('who is mailed', () => {
  it('a lapse: the institution’s focal points in immediate mode and the secretariat; not paused, digest-only, removed or other institutions', () => {
    const everyone = [
      person('justice'),
      person('secretariat', { audience: { kind: 'secretariat' } }),
      person('paused', { paused: true }),
      person('digest', { mode: 'digest-only' }),
      person('removed', { removed: true }),
      person('health', { audience: { kind: 'institution', institution: 'ministry-of-health' } }),
    ];
    expect(lapseRecipients(everyone, ['ministry-of-justice']).map((r) => r.recipientId)).toEqual([
      'justice',
      'secretariat',
    ]);
  });

  it('a digest: each deadline in its tightest window, only what concerns the person', () => {
    const candidates: DigestCandidates = {
      upcoming: [
        { item: item('tomorrow'), institutions: ['ministry-of-justice'], dueAt: inDays(0.5) },
        { item: item('week'), institutions: ['ministry-of-justice'], dueAt: inDays(3) },
        { item: item('month'), institutions: ['ministry-of-justice'], dueAt: inDays(20) },
        { item: item('health'), institutions: ['ministry-of-health'], dueAt: inDays(3) },
      ],
      lapsed: [{ item: item('lapsed'), institutions: ['ministry-of-justice'] }],
      stale: [{ item: item('recommendation'), institutions: null }],
    };
    const ids = (xs: readonly MailItem[] = []) => xs.map((i) => i.id);
    const justice = digestFor(person('justice', { mode: 'digest-only' }), candidates, '2026-12-07', now);
    expect([ids(justice?.dueIn1), ids(justice?.dueIn7), ids(justice?.dueIn30)]).toEqual([
      ['tomorrow'],
      ['week'],
      ['month'],
    ]);
    expect([ids(justice?.lapsed), ids(justice?.stale)]).toEqual([['lapsed'], []]);
    const secretariat = digestFor(
      person('s', { audience: { kind: 'secretariat' } }),
      candidates,
      '2026-12-07',
      now,
    );
    expect(ids(secretariat?.dueIn7)).toEqual(['week', 'health']);
    expect(ids(secretariat?.stale)).toEqual(['recommendation']);
    expect(digestFor(person('p', { paused: true }), candidates, '2026-12-07', now)).toBeNull();
    const none: DigestCandidates = { upcoming: [], lapsed: [], stale: [] };
    expect(digestFor(person('justice'), none, '2026-12-07', now)).toBeNull();
  });
});
