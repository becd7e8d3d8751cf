import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { StoredEvent } from '@tracker/contracts';
import { metadataCausedBy, runInEventContext } from './event-context';

const consumed: StoredEvent = {
  eventId: '0190d4c8-0000-7000-8000-00000000000a',
  streamId: 'commitment-1',
  version: 3,
  position: 42,
  type: 'commitment.lapsed',
  schemaVersion: 1,
  data: {},
  metadata: {
    actor: 'system:scheduler',
    role: 'system',
    correlationId: 'corr-from-the-first-request',
    causationId: null,
    occurredAt: '2024-02-25T00:00:00.000Z',
    recordedAt: '2024-02-25T00:00:00.100Z',
  },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
};

describe(metadataCausedBy.name, () => {
  it('carries the correlation id on and points causation at the consumed event', () => {
    expect(metadataCausedBy(consumed, 'system:alerts', new Date('2024-02-25T01:00:00Z'))).toEqual({
      actor: 'system:alerts',
      role: 'system',
      institution: null,
      correlationId: 'corr-from-the-first-request',
      causationId: consumed.eventId,
      occurredAt: '2024-02-25T01:00:00.000Z',
      reason: null,
    });
  });

  it('takes a principal as actor, with a reason', () => {
    expect(
      metadataCausedBy(
        consumed,
        { subject: 'alice', role: 'focal-point', institution: 'ministry-of-justice' },
        new Date('2024-02-25T01:00:00Z'),
        'reacting',
      ),
    ).toMatchObject({
      actor: 'alice',
      role: 'focal-point',
      institution: 'ministry-of-justice',
      reason: 'reacting',
    });
  });
});

describe(runInEventContext.name, () => {
  const capture = (): { logger: pino.Logger; lines: () => Record<string, unknown>[] } => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    return {
      logger: pino({ level: 'info' }, stream),
      lines: () =>
        chunks
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  };

  it('gives every log line written while handling the event its correlation id', async () => {
    const { logger, lines } = capture();
    const viaPino = new PinoLogger({ pinoHttp: { level: 'info' } });
    const result = await runInEventContext(
      consumed,
      async () => {
        viaPino.info('projected');
        await new Promise((r) => setImmediate(r));
        viaPino.warn({ extra: 1 }, 'after an await');
        return 7;
      },
      logger,
    );
    expect(result).toBe(7);
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([
      expect.objectContaining({
        msg: 'projected',
        correlationId: 'corr-from-the-first-request',
        eventId: consumed.eventId,
        eventType: 'commitment.lapsed',
        streamId: 'commitment-1',
      }),
      expect.objectContaining({
        msg: 'after an await',
        correlationId: 'corr-from-the-first-request',
        extra: 1,
      }),
    ]);
  });

  it('runs the work unchanged when no logger exists yet', async () => {
    new Logger('test');
    await expect(runInEventContext(consumed, async () => 'done')).resolves.toBe('done');
  });
});
