import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '@tracker/auth';
import { AuthenticationError } from '@tracker/auth';
import type { AppendMetadata } from '@tracker/event-store';
import { v7 as uuidv7 } from 'uuid';

export const CORRELATION_HEADER = 'x-correlation-id';

/** Correlation id of a request: the caller's (via the gateway) when well-formed, else a new one. */
export const correlationIdOf = (req: Request): string => {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : uuidv7();
};

/**
 * The correlation id this request goes by: pino-http's request id (genReqId in bootstrap.ts), else one
 * fixed on the request at first use, so the idempotency interceptor and @Ctx() agree on it.
 */
export const requestCorrelationId = (req: Request & { id?: unknown }): string => {
  if (typeof req.id !== 'string') req.id = correlationIdOf(req);
  return req.id;
};

/** Who asked and under which correlation id: what every event's metadata starts from. */
export interface RequestContext {
  readonly principal: Principal;
  readonly correlationId: string;
}

export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal; id?: unknown }>();
  if (!req.principal) throw new AuthenticationError('a bearer token is required');
  return {
    principal: req.principal,
    correlationId: requestCorrelationId(req),
  };
});

export const metadataFor = (
  ctx: RequestContext,
  now: Date,
  reason: string | null = null,
): AppendMetadata => ({
  actor: ctx.principal.subject,
  role: ctx.principal.role,
  institution: ctx.principal.institution,
  correlationId: ctx.correlationId,
  causationId: null,
  occurredAt: now.toISOString(),
  reason,
});
