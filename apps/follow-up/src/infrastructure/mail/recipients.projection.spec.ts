import {
  RecipientRegistered,
  RecipientRemoved,
  RecipientUpdated,
  type StoredEvent,
} from '@tracker/contracts';
import { foldRouted, storedEvent } from '@tracker/testing';
import { type RecipientRow, recipientsProjection } from './recipients.projection';

const id = '0190d4c8-0000-7000-8000-0000000000d1';
const settings = {
  name: 'Development fixture',
  language: 'fr' as const,
  audience: { kind: 'secretariat' as const },
  mode: 'immediate' as const,
  paused: false,
};

const events: StoredEvent[] = [
  storedEvent(
    `recipient-${id}`,
    1,
    'recipient.registered',
    RecipientRegistered({ recipientId: id, email: 'fixture@example.org', ...settings }).data,
    '2026-12-01T00:00:00.000Z',
  ),
  storedEvent(
    `recipient-${id}`,
    2,
    'recipient.updated',
    RecipientUpdated({ recipientId: id, ...settings, paused: true }).data,
    '2026-12-02T00:00:00.000Z',
  ),
  storedEvent(
    `recipient-${id}`,
    3,
    'recipient.removed',
    RecipientRemoved({ recipientId: id }).data,
    '2026-12-03T00:00:00.000Z',
  ),
];

const fold = (xs: StoredEvent[], twice = false): RecipientRow | null => {
  const rows = foldRouted(recipientsProjection, xs, { twice });
  expect([...rows.keys()]).toEqual(rows.size === 0 ? [] : [id]);
  return rows.get(id) ?? null;
};

describe('recipientsProjection', () => {
  it('keeps the settings in force, the stream version and the dates; a removed recipient stays, marked', () => {
    expect(fold(events.slice(0, 2))).toEqual({
      recipientId: id,
      email: 'fixture@example.org',
      ...settings,
      paused: true,
      removed: false,
      version: 2,
      registeredAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-02T00:00:00.000Z',
    });
    expect(fold(events)).toMatchObject({ removed: true, version: 3 });
  });

  it('applying every event twice changes nothing', () => {
    expect(fold(events, true)).toEqual(fold(events));
  });

  it('routes nothing else', () => {
    expect(recipientsProjection.route(storedEvent('staleness-x', 1, 'assessment.stale', {}))).toEqual([]);
  });
});
