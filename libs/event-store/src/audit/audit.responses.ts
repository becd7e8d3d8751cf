import { z } from 'zod';
import type { AnswerOf } from '@tracker/contracts';

/*
 * What the audit API answers (every service's /api/audit/...): the OpenAPI document's 2xx schemas are
 * generated from these and the controller writes its answers with these types, so the two cannot
 * drift. Event data and folded states are each aggregate's own: objects, not described further here.
 */

const Instant = z.iso.datetime({ offset: true });
const Version = z.number().int().min(1);
const Count = z.number().int().min(0);
const Source = z.enum(['event-store', 'inbox']);
/** A document of the service's own shape: any object. */
const AnyObject = z
  .custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  .meta({ type: 'object' });

/** An event as the store keeps it: envelope, metadata and the hash chain. */
export const AuditedEvent = z.object({
  eventId: z.uuid(),
  streamId: z.string(),
  type: z.string(),
  schemaVersion: z.number().int().min(1),
  version: Version,
  /** Global position in the service's store; null until the relay assigned it. */
  position: z.number().int().min(0).nullable(),
  data: z.unknown(),
  metadata: z.object({
    actor: z.string(),
    role: z.string(),
    institution: z.string().nullable().optional(),
    correlationId: z.string(),
    causationId: z.string().nullable(),
    occurredAt: Instant,
    recordedAt: Instant,
    reason: z.string().nullable().optional(),
  }),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** `GET /api/audit/<service>`: what the service keeps and can replay. */
export const AuditIndexBody = z.object({
  service: z.string(),
  eventStore: z.boolean(),
  aggregates: z.array(z.string()),
  projections: z.array(z.object({ name: z.string(), source: Source })),
});
export type AuditIndexBody = AnswerOf<typeof AuditIndexBody>;

/** `GET /api/audit/<service>/events` (JSON): a page of events in position order. */
export const AuditEventPageBody = z.object({
  service: z.string(),
  events: z.array(AuditedEvent),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.number().int().min(0).nullable(),
});
export type AuditEventPageBody = AnswerOf<typeof AuditEventPageBody>;

/** `GET /api/audit/<service>/streams/{streamId}`: a stream folded as of a date. */
export const AuditStreamBody = z.object({
  service: z.string(),
  streamId: z.string(),
  aggregate: z.string().nullable(),
  asOf: Instant.nullable(),
  axis: z.enum(['recorded', 'occurred']),
  version: Count,
  state: z.unknown(),
  foldError: z.string().nullable(),
  events: z.array(AuditedEvent),
});
export type AuditStreamBody = AnswerOf<typeof AuditStreamBody>;

/** `GET /api/audit/<service>/projections/{projection}/{id}`: a read-model row as of a date. */
export const AuditProjectionRowBody = z.object({
  service: z.string(),
  projection: z.string(),
  id: z.string(),
  asOf: Instant.nullable(),
  source: Source,
  state: AnyObject.nullable(),
  applied: z.record(z.string(), z.number().int()),
  events: z.array(
    z.object({ streamId: z.string(), version: Version, type: z.string(), recordedAt: Instant }),
  ),
});
export type AuditProjectionRowBody = AnswerOf<typeof AuditProjectionRowBody>;

/** `GET /api/audit/<service>/verify` (JSON): the hash chain checked. */
export const AuditVerifyBody = z.object({
  service: z.string(),
  streams: Count,
  events: Count,
  breaks: z.array(
    z.object({
      streamId: z.string(),
      version: Version,
      eventId: z.string(),
      reason: z.string(),
      position: z.number().int().min(0).nullable(),
    }),
  ),
  ok: z.boolean(),
});
export type AuditVerifyBody = AnswerOf<typeof AuditVerifyBody>;

/** A read-model rebuild: what was asked, and how far it got. */
export const RebuildJobBody = z.object({
  jobId: z.string(),
  service: z.string(),
  projection: z.string(),
  mode: z.enum(['swap', 'check']),
  source: Source,
  requestedBy: z.string(),
  state: z.enum(['queued', 'replaying', 'catching-up', 'swapping', 'comparing', 'done', 'failed']),
  done: Count,
  total: Count,
  rate: z.number().min(0),
  etaSeconds: z.number().min(0).nullable(),
  startedAt: Instant,
  finishedAt: Instant.nullable(),
  documents: Count,
  swap: z.object({ replaced: Count, inserted: Count, deleted: Count, unchanged: Count }).nullable(),
  caughtUp: Count,
  differences: z.array(z.string()).nullable(),
  error: z.string().nullable(),
});
export type RebuildJobBody = AnswerOf<typeof RebuildJobBody>;

/** NDJSON answers (events, verify with progress): one JSON value a line. */
export const NdjsonLines = z.string().meta({ description: 'one JSON value a line' });
