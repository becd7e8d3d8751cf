import type { Collection } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { ProjectionRebuild, type RebuildProgress, type RebuildSource } from '@tracker/projections';
import { REBUILD_JOBS_COLLECTION, type AuditedProjection, type AuditOptions } from './audit.options';
import { EventStoreRebuildSource, InboxRebuildSource } from './rebuild-sources';

export interface RebuildJob extends RebuildProgress {
  readonly jobId: string;
  readonly service: string;
  readonly projection: string;
  readonly mode: 'swap' | 'check';
  readonly source: AuditedProjection['source'];
  readonly requestedBy: string;
}

interface RebuildJobDocument extends Omit<RebuildJob, 'jobId'> {
  _id: string;
}

export class RebuildUnavailableError extends Error {}
export class RebuildRunningError extends Error {
  constructor(readonly jobId: string) {
    super(`a rebuild of this read model is already running (job ${jobId})`);
  }
}

/**
 * Starts projection rebuilds in the background and answers their progress. Progress is kept in memory
 * and written to `audit_rebuild_jobs` about once a second, so any instance can answer for any job.
 */
export class RebuildJobs {
  private readonly jobs: Collection<RebuildJobDocument>;
  private readonly running = new Map<
    string,
    { meta: Omit<RebuildJob, keyof RebuildProgress>; rebuild: ProjectionRebuild<object> }
  >();
  private readonly finished = new Set<Promise<unknown>>();

  constructor(private readonly options: AuditOptions) {
    this.jobs = options.db.collection<RebuildJobDocument>(REBUILD_JOBS_COLLECTION);
  }

  start(projectionName: string, mode: 'swap' | 'check', requestedBy: string): RebuildJob {
    const audited = this.options.projections.find((p) => p.projection.name === projectionName);
    if (!audited)
      throw new RebuildUnavailableError(`no read model named ${projectionName} in ${this.options.service}`);
    const busy = this.running.get(projectionName);
    if (busy) throw new RebuildRunningError(busy.meta.jobId);
    const source = this.sourceFor(audited);
    const jobId = uuidv7();
    const meta = {
      jobId,
      service: this.options.service,
      projection: projectionName,
      mode,
      source: audited.source,
      requestedBy,
    };
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const persist = (p: RebuildProgress, force = false): Promise<unknown> => {
      if (!force && Date.now() - lastWrite < 1_000) return writing;
      lastWrite = Date.now();
      const { jobId: _j, ...rest } = { ...meta, ...p };
      writing = writing
        .then(() => this.jobs.replaceOne({ _id: jobId }, rest, { upsert: true }))
        .catch(() => undefined);
      return writing;
    };
    const rebuild = new ProjectionRebuild(audited.projection, this.options.db, source, {
      liveCollection: projectionName,
      shadowCollection: `${projectionName}__rebuild_${jobId.slice(-12)}`,
      mode,
      onProgress: (p) => void persist(p),
    });
    this.running.set(projectionName, { meta, rebuild });
    const run = rebuild
      .run()
      .then((final) => persist(final, true))
      .finally(() => {
        this.running.delete(projectionName);
        this.finished.delete(run);
      });
    this.finished.add(run);
    void persist(rebuild.current, true);
    return { ...meta, ...rebuild.current };
  }

  async get(jobId: string): Promise<RebuildJob | null> {
    for (const r of this.running.values())
      if (r.meta.jobId === jobId) return { ...r.meta, ...r.rebuild.current };
    const doc = await this.jobs.findOne({ _id: jobId });
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, jobId: _id };
  }

  /** Waits for running rebuilds (used on shutdown and by tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.finished]);
  }

  private sourceFor(audited: AuditedProjection): RebuildSource {
    if (audited.source === 'inbox') {
      if (!this.options.inbox)
        throw new RebuildUnavailableError(`${audited.projection.name} has no inbox to replay`);
      return new InboxRebuildSource(this.options.inbox, this.options.commits);
    }
    if (!this.options.commits)
      throw new RebuildUnavailableError(`${this.options.service} has no event store`);
    return new EventStoreRebuildSource(this.options.commits);
  }
}
