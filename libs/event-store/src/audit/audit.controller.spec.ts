import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditController } from './audit.controller';
import type { AuditService } from './audit.service';
import { EventHistory, type EventFilter } from './event-history';

/** A controller over a history whose reads are recorded; the request never reaches a database. */
const controllerWith = (history: EventHistory): AuditController =>
  new AuditController({ history, options: { service: 'test' } } as unknown as AuditService);

const req = { headers: {} } as Request;
const res = (): Response & { body?: string } => {
  const r = {
    status: () => r,
    type: () => r,
    send: (body: string) => {
      r.body = body;
      return r;
    },
  } as unknown as Response & { body?: string };
  return r;
};

describe('GET /api/audit/events', () => {
  const asked: EventFilter[] = [];
  const history = {
    page: (filter: EventFilter) => {
      asked.push(filter);
      return Promise.resolve({ events: [], next: null });
    },
  } as unknown as EventHistory;

  it('takes an id for mentions: a UUID is asked as given, anything else is a 400', async () => {
    const id = '5F0C8D8E-2b1a-4c3d-9e8f-0a1b2c3d4e5f';
    await controllerWith(history).events({ mentions: id }, req, res());
    expect(asked.at(-1)).toEqual({ mentions: id });
    for (const mentions of ['torture', `commitment-${id}`, id.slice(1)])
      await expect(controllerWith(history).events({ mentions }, req, res())).rejects.toBeInstanceOf(
        BadRequestException,
      );
  });

  it('answers 400 when only a time range selects and it is wider than the walk allows', async () => {
    const real = new EventHistory(null as never, () => new Date('2026-06-01T00:00:00Z'));
    const err: unknown = await controllerWith(real)
      .events({ from: '2020-01-01', to: '2026-01-01' }, req, res())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as Error).message).toMatch(/spans 2193 days .* at most 366/);
  });
});
