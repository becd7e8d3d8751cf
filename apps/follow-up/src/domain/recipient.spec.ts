import {
  AggregateNotFoundError,
  InvalidTransitionError,
  RecipientRegistered,
  RecipientRemoved,
  type RecipientSettings,
} from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import { Recipient } from './recipient';

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

const given = deciderSpec(Recipient, { now });
const registered = RecipientRegistered({ recipientId: id, email, ...settings });

describe('Recipient', () => {
  it('registers a new address', () => {
    given().when({ type: 'register', recipientId: id, email, settings }).then(registered);
  });

  it('registering the same settings again changes nothing; other settings are a conflict', () => {
    given(registered).when({ type: 'register', recipientId: id, email, settings }).then();
    given(registered)
      .when({ type: 'register', recipientId: id, email, settings: { ...settings, language: 'en' } })
      .thenThrows(InvalidTransitionError);
  });

  it('an update carries the whole settings as they now are; no change appends nothing', () => {
    given(registered)
      .when({ type: 'update', recipientId: id, changes: { paused: true } })
      .then({
        type: 'recipient.updated',
        schemaVersion: 1,
        data: { recipientId: id, ...settings, paused: true },
      });
    given(registered)
      .when({ type: 'update', recipientId: id, changes: { paused: false } })
      .then();
  });

  it('a removed recipient cannot be updated, and may be registered again', () => {
    const removed = RecipientRemoved({ recipientId: id });
    given(registered, removed)
      .when({ type: 'update', recipientId: id, changes: {} })
      .thenThrows(AggregateNotFoundError);
    given(registered, removed).when({ type: 'register', recipientId: id, email, settings }).then(registered);
  });
});
