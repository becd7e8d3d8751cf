import type { Collection } from 'mongodb';
import type { CommitDocument } from '../commit-document';
import type { HashBreak, RecordedEvent } from '../event-store.port';
import { findChainBreak } from '../stream-chain';
import { VOID_STREAM } from '../reserved-positions';
import { eventsOf } from '../commit-document';

export interface VerifyProgress {
  readonly commits: number;
  readonly totalCommits: number;
  readonly streams: number;
  readonly events: number;
}

export interface VerifyReport {
  readonly streams: number;
  readonly events: number;
  /** The first broken event of each broken stream. */
  readonly breaks: readonly (HashBreak & { readonly position: number | null })[];
  readonly ok: boolean;
}

/**
 * Recomputes the hash chain of every stream (or one), streaming commits in (streamId, version) order:
 * memory holds one stream at a time, and progress is reported as it goes, so a large store can be
 * verified over HTTP without a silent minute-long wait.
 */
export class ChainVerifier {
  constructor(private readonly commits: Collection<CommitDocument>) {}

  async verify(
    options: { streamId?: string } = {},
    onProgress?: (p: VerifyProgress) => void,
    progressEvery = 1000,
  ): Promise<VerifyReport> {
    const filter = options.streamId ? { streamId: options.streamId } : {};
    const totalCommits = onProgress ? await this.commits.countDocuments(filter) : 0;
    const breaks: (HashBreak & { position: number | null })[] = [];
    let streams = 0;
    let events = 0;
    let commits = 0;
    let current: string | null = null;
    let buffer: RecordedEvent[] = [];
    const flush = (): void => {
      // Void commits hold positions a batch could not fill (reserved-positions.ts): no stream, no events.
      if (current === null || current === VOID_STREAM) return;
      streams += 1;
      events += buffer.length;
      const broken = findChainBreak(buffer);
      if (broken) {
        const at = buffer.find((e) => e.version === broken.version && e.eventId === broken.eventId);
        breaks.push({ ...broken, position: at?.position ?? null });
      }
    };
    const cursor = this.commits.find(filter).sort({ streamId: 1, version: 1 }).batchSize(200);
    try {
      for await (const c of cursor) {
        if (c.streamId !== current) {
          flush();
          current = c.streamId;
          buffer = [];
        }
        buffer.push(...eventsOf(c));
        commits += 1;
        if (onProgress && commits % progressEvery === 0)
          onProgress({ commits, totalCommits, streams, events: events + buffer.length });
      }
    } finally {
      await cursor.close();
    }
    flush();
    onProgress?.({ commits, totalCommits: Math.max(totalCommits, commits), streams, events });
    return { streams, events, breaks, ok: breaks.length === 0 };
  }
}
