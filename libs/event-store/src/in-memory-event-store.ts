import { GENESIS_HASH, type StoredEvent } from '@tracker/contracts';
import { v7 as uuidv7 } from 'uuid';
import { eventsOf, type CommitDocument } from './commit-document';
import { ConcurrencyError } from './errors';
import type {
  AppendManyOutcome,
  AppendRequest,
  AppendResult,
  EventStore,
  HashBreak,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.port';
import { committedRequestsOf, type CommittedRequest, withRequestFields } from './idempotent-request';
import { findChainBreak, sealCommit } from './stream-chain';

/** The same contract as MongoEventStore, in memory, for unit tests of handlers and projections. */
export class InMemoryEventStore implements EventStore {
  private readonly commits: CommitDocument[] = [];
  private readonly byStream = new Map<string, CommitDocument[]>();
  private applied = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const stream = this.byStream.get(request.streamId) ?? [];
    const last = stream[stream.length - 1];
    const actual = last?.lastVersion ?? 0;
    if (actual !== request.expectedVersion)
      throw new ConcurrencyError(request.streamId, request.expectedVersion, actual);
    if (request.events.length === 0) return { nextExpectedVersion: actual, events: [] };
    const prevHash = last ? last.events[last.events.length - 1]!.hash : GENESIS_HASH;
    const recordedAt = this.clock();
    const records = sealCommit(request, prevHash, recordedAt, uuidv7);
    const doc: CommitDocument = {
      _id: uuidv7(),
      streamId: request.streamId,
      version: request.expectedVersion + 1,
      lastVersion: records[records.length - 1]!.version,
      recordedAt,
      ...withRequestFields({ keys: [] }, request.metadata),
      events: structuredClone(records),
    };
    this.commits.push(doc);
    this.byStream.set(request.streamId, [...stream, doc]);
    return { nextExpectedVersion: doc.lastVersion, events: records.map((r) => ({ ...r, position: null })) };
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendManyOutcome[]> {
    const out: AppendManyOutcome[] = [];
    for (const request of requests) {
      try {
        out.push({ ok: true, result: await this.append(request) });
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        out.push({ ok: false, error: err });
      }
    }
    return out;
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    for (const id of new Set(streamIds)) {
      const events = await this.readStream(id);
      if (events.length > 0) out.set(id, events);
    }
    return out;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const until = options.recordedUntil;
    return (this.byStream.get(streamId) ?? [])
      .filter((c) => !until || c.recordedAt.getTime() <= until.getTime())
      .flatMap(eventsOf)
      .map((e) => structuredClone(e));
  }

  async readAll(after: number, limit: number): Promise<StoredEvent[]> {
    return this.commits
      .filter((c) => c.position !== undefined)
      .sort((a, b) => a.position! - b.position!)
      .flatMap(eventsOf)
      .filter((e): e is StoredEvent => e.position !== null && e.position > after)
      .slice(0, limit)
      .map((e) => structuredClone(e));
  }

  async assignPositions(batchSize: number): Promise<number> {
    let n = 0;
    for (const c of this.commits) {
      if (c.position !== undefined) continue;
      if (n >= batchSize) break;
      c.position = this.applied + 1;
      c.lastPosition = this.applied + c.events.length;
      this.applied = c.lastPosition;
      n += c.events.length;
    }
    return n;
  }

  async headPosition(): Promise<number> {
    return this.applied;
  }

  async committedFor(key: string): Promise<CommittedRequest[]> {
    return committedRequestsOf(this.commits, key);
  }

  async verify(
    options: { streamId?: string } = {},
  ): Promise<{ streams: number; events: number; breaks: HashBreak[] }> {
    const ids = options.streamId ? [options.streamId] : [...this.byStream.keys()].sort();
    const breaks: HashBreak[] = [];
    let events = 0;
    for (const id of ids) {
      const stream = (this.byStream.get(id) ?? []).flatMap(eventsOf);
      events += stream.length;
      const broken = findChainBreak(stream);
      if (broken) breaks.push(broken);
    }
    return { streams: ids.length, events, breaks };
  }

  /** Test hook: tamper with a stored event the way an attacker with database access could. */
  tamper(streamId: string, version: number, mutate: (data: Record<string, unknown>) => void): void {
    for (const c of this.byStream.get(streamId) ?? []) {
      for (const e of c.events) if (e.version === version) mutate(e.data as Record<string, unknown>);
    }
  }
}
