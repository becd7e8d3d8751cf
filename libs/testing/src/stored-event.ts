import type { EventMetadata, StoredEvent } from '@tracker/contracts';

let position = 0;

/**
 * A stored event as a projection receives it from Kafka, for specs that feed projections by hand.
 * Positions (and event ids) count up across the calls of one test file.
 */
export const storedEvent = (
  streamId: string,
  version: number,
  type: string,
  data: unknown,
  recordedAt = '2026-01-01T00:00:00.000Z',
): StoredEvent => {
  position += 1;
  return {
    eventId: `e-${position}`,
    streamId,
    version,
    position,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'a',
      role: 'secretariat',
      correlationId: 'c',
      causationId: null,
      occurredAt: recordedAt,
      recordedAt,
    },
    prevHash: '',
    hash: '',
  };
};

/** What a spec appends with: who, as whom, why (EventMetadata without the store's recordedAt). */
export const appendMetadata = (
  overrides: Partial<Omit<EventMetadata, 'recordedAt'>> = {},
): Omit<EventMetadata, 'recordedAt'> => ({
  actor: 'a',
  role: 'secretariat',
  correlationId: 'c',
  causationId: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
