import { AsyncLocalStorage } from 'node:async_hooks';
import { v7 as uuidv7 } from 'uuid';
import { type CommitDocument, UUID_SHAPE } from './commit-document';
import type { AppendMetadata } from './event-store.port';

/**
 * The request (an HTTP `Idempotency-Key`, libs/platform/src/idempotency.interceptor.ts) a commit was
 * made for, recorded IN the commit document: the commit and the proof that the request ran are one
 * write, so a service that dies between its commit and its answer leaves a retry something to find.
 * `key` is already scoped (a hash of service caller, method, path and the client's key); `fingerprint`
 * identifies the request body, so that the same key with another body is still refused.
 */
export interface CommitRequest {
  readonly key: string;
  readonly fingerprint: string;
}

/** A commit made for a request, as a retry of that request finds it (MongoEventStore.committedFor). */
export interface CommittedRequest {
  readonly streamId: string;
  readonly version: number;
  readonly lastVersion: number;
  readonly recordedAt: Date;
  readonly fingerprint: string;
}

/**
 * The request being served. `committed` is empty on a first run; on a retry of a request whose commits
 * exist, AggregateRepository.execute answers from them instead of deciding again (a replay).
 */
export interface RequestScope {
  readonly request: CommitRequest;
  /** The request's own correlation id: only commands it issues itself are tagged or replayed. */
  readonly correlationId: string;
  readonly committed: readonly CommittedRequest[];
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `work` as `scope`'s request. An async-local scope rather than a parameter, so every command
 * handler's append records the key without each handler passing it through (docs/reliability.md).
 */
export const runAsRequest = <T>(scope: RequestScope, work: () => T): T => scopes.run(scope, work);

/**
 * The scope an append or execute with this metadata belongs to. Only the request's own commands
 * (causationId null, its correlation id): work that merely inherited the async context (a consumer
 * reacting to the request's events, a loop woken during it) is not the request.
 */
export const requestScopeOf = (
  metadata: Pick<AppendMetadata, 'correlationId' | 'causationId'>,
): RequestScope | undefined => {
  const scope = scopes.getStore();
  return scope && metadata.causationId === null && metadata.correlationId === scope.correlationId
    ? scope
    : undefined;
};

/** The equality key (commit `keys`, the `name:value` convention) a request's commits carry. */
export const requestKey = (key: string): string => `idem:${key}`;

/**
 * What a commit appended with this metadata carries besides its audit keys: the request's key in
 * `keys` (so a retry finds it by one indexed equality) and the request itself. Nothing outside a request.
 */
export const withRequestFields = <T extends { keys: string[] }>(
  fields: T,
  metadata: AppendMetadata,
): T & { request?: CommitRequest } => {
  const scope = requestScopeOf(metadata);
  if (!scope) return fields;
  return { ...fields, keys: [...fields.keys, requestKey(scope.request.key)], request: scope.request };
};

/** Index fields recomputed for a stored commit (a layout migration, MongoEventStore.init) keep its request's key. */
export const keepingRequestKey = <T extends { keys: string[] }>(
  fields: T,
  commit: Pick<CommitDocument, 'request'>,
): T => (commit.request ? { ...fields, keys: [...fields.keys, requestKey(commit.request.key)] } : fields);

/**
 * The commit a replayed request made on `streamId`, if it made one: AggregateRepository answers with
 * it rather than deciding again.
 */
export const replayedCommitOn = (streamId: string, metadata: AppendMetadata): CommittedRequest | undefined =>
  requestScopeOf(metadata)?.committed.find((c) => c.streamId === streamId);

/**
 * The id of an aggregate a request creates (a create without a natural key): a new UUIDv7, except on the
 * replay of a request that committed, where it is the id that request created then — so the retry's
 * answer names the same resource (stream ids are `<aggregate>-<id>`, aggregate-repository.ts).
 */
export const newAggregateId = (aggregate: string): string => {
  const prefix = `${aggregate}-`;
  const created = scopes
    .getStore()
    ?.committed.find(
      (c) =>
        c.version === 1 && c.streamId.startsWith(prefix) && UUID_SHAPE.test(c.streamId.slice(prefix.length)),
    );
  return created ? created.streamId.slice(prefix.length) : uuidv7();
};

/** The commits among `commits` made for the request `key`, by stream and version (committedFor). */
export const committedRequestsOf = (
  commits: readonly Pick<CommitDocument, 'streamId' | 'version' | 'lastVersion' | 'recordedAt' | 'request'>[],
  key: string,
): CommittedRequest[] =>
  commits
    .flatMap((c) =>
      c.request?.key === key
        ? [
            {
              streamId: c.streamId,
              version: c.version,
              lastVersion: c.lastVersion,
              recordedAt: c.recordedAt,
              fingerprint: c.request.fingerprint,
            },
          ]
        : [],
    )
    .sort((x, y) => (x.streamId < y.streamId ? -1 : x.streamId > y.streamId ? 1 : x.version - y.version));
