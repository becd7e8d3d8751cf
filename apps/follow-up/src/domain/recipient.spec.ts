import {
  AggregateNotFoundError,
  InvalidTransitionError,
  RecipientRegistered,
  RecipientRemoved,
  type RecipientEvent,
  type RecipientSettings,
} from '@tracker/contracts';
import { decide, evolve, initialState, type RecipientCommand, type RecipientState } from './recipient';

const id = '0190d4c8-0000-7000-8000-0000000000b1';
const email = 'focal.point.justice@example.org';
const settings: RecipientSettings = {
  name: 'Development fixture — Justice focal point',
  language: 'fr',
  audience: { kind: 'institution', institution: 'ministry-of-justice' },
  mode: 'immediate',
  paused: false,
};
const now = new Date('2026-12-07T08:00:00Z');

const given = (...events: RecipientEvent[]) => ({
  when: (cmd: RecipientCommand) => decide(cmd, events.reduce<RecipientState>(evolve, initialState), now),
});
const registered = RecipientRegistered({ recipientId: id, email, ...settings });

describe('Recipient', () => {
  it('registers a new address', () => {
    expect(given().when({ type: 'register', recipientId: id, email, settings })).toEqual([registered]);
  });

  it('registering the same settings again changes nothing; other settings are a conflict', () => {
    expect(given(registered).when({ type: 'register', recipientId: id, email, settings })).toEqual([]);
    expect(() =>
      given(registered).when({
        type: 'register',
        recipientId: id,
        email,
        settings: { ...settings, language: 'en' },
      }),
    ).toThrow(InvalidTransitionError);
  });

  it('an update carries the whole settings as they now are; no change appends nothing', () => {
    expect(given(registered).when({ type: 'update', recipientId: id, changes: { paused: true } })).toEqual([
      { type: 'recipient.updated', schemaVersion: 1, data: { recipientId: id, ...settings, paused: true } },
    ]);
    expect(given(registered).when({ type: 'update', recipientId: id, changes: { paused: false } })).toEqual(
      [],
    );
  });

  it('a removed recipient cannot be updated, and may be registered again', () => {
    const removed = RecipientRemoved({ recipientId: id });
    expect(() => given(registered, removed).when({ type: 'update', recipientId: id, changes: {} })).toThrow(
      AggregateNotFoundError,
    );
    expect(given(registered, removed).when({ type: 'register', recipientId: id, email, settings })).toEqual([
      registered,
    ]);
  });
});
