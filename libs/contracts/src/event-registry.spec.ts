import { z } from 'zod';
import { defineEvent } from './event-definition';
import type { StoredEvent } from './envelope';
import { EventRegistry, InvalidEventError, UnknownEventTypeError } from './event-registry';

// v1 stored `name`; v2 splits it. The upcaster is what lets old stored events keep working.
const PersonRegisteredV2 = defineEvent(
  'person.registered',
  2,
  z.strictObject({ given: z.string(), family: z.string() }),
);
const upcastV1 = {
  type: 'person.registered',
  fromVersion: 1,
  up: (data: unknown) => {
    const [given = '', ...rest] = String((data as { name: string }).name).split(' ');
    return { given, family: rest.join(' ') };
  },
};

const stored = (type: string, schemaVersion: number, data: unknown): StoredEvent => ({
  eventId: 'e1',
  streamId: 'person-1',
  version: 1,
  position: 1,
  type,
  schemaVersion,
  data,
  metadata: { actor: 'a', role: 'r', correlationId: 'c', causationId: null, occurredAt: '', recordedAt: '' },
  prevHash: '',
  hash: '',
});

describe(EventRegistry.name, () => {
  const sut = new EventRegistry([PersonRegisteredV2], [upcastV1]);

  it('upcasts a v1 event to the current schema on read', () => {
    const e = sut.parse(stored('person.registered', 1, { name: 'Alioune Tine' }));
    expect(e.schemaVersion).toBe(2);
    expect(e.data).toEqual({ given: 'Alioune', family: 'Tine' });
  });

  it('passes a current event through and validates it', () => {
    expect(sut.parse(stored('person.registered', 2, { given: 'A', family: 'B' })).data).toEqual({
      given: 'A',
      family: 'B',
    });
    expect(() => sut.parse(stored('person.registered', 2, { given: 'A' }))).toThrow(InvalidEventError);
  });

  it('refuses unknown types, newer schema versions and versions with no upcaster', () => {
    expect(() => sut.parse(stored('person.vanished', 1, {}))).toThrow(UnknownEventTypeError);
    expect(() => sut.parse(stored('person.registered', 3, {}))).toThrow(/newer than this reader/);
    expect(() =>
      new EventRegistry([PersonRegisteredV2]).parse(stored('person.registered', 1, { name: 'x y' })),
    ).toThrow(/no upcaster/);
  });
});
