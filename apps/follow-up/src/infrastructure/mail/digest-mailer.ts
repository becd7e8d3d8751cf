import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Db } from 'mongodb';
import type { DigestRunResult } from '@tracker/contracts';
import { JobQueue } from '@tracker/messaging';
import { type BaseConfig, DEFAULT_REDIS_URL, MONGO_DB, SERVICE_CONFIG } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { ALERTS, type Alert } from '../alerts';
import { TRACKER, type TrackerItem } from '../tracker-item.projection';
import { type DigestCandidate, type DigestCandidates, digestFor } from './mail-audience';
import { digestMail } from './mail-content';
import { mailItemOf } from './mail-items';
import { MAIL_OPTIONS, type MailOptions } from './mail.config';
import { MailOutbox } from './mail-outbox';
import { RECIPIENTS, type RecipientRow } from './recipients.projection';

const DAY_MS = 86_400_000;
const DIGEST_JOB = 'daily-digest';

/**
 * The daily digest: at MAIL_DIGEST_AT (UTC) a repeatable BullMQ job queues, for each person not paused,
 * one mail of what concerns them (deadlines within 30/7/1 days, lapsed commitments, items gone stale in
 * the last day). The outbox key is (day, person), so a second run the same day, by the timer in another
 * instance or by an admin, queues nothing more.
 */
@Injectable()
export class DigestMailer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DigestMailer.name);
  private readonly jobs: JobQueue<Record<string, never>>;

  constructor(
    @Inject(SERVICE_CONFIG) config: BaseConfig,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(MAIL_OPTIONS) private readonly options: MailOptions,
    private readonly outbox: MailOutbox,
  ) {
    this.jobs = new JobQueue({
      name: `${config.KAFKA_TOPIC_PREFIX}follow-up-digest`.replace(/[:]/g, '_'),
      redisUrl: config.REDIS_URL ?? DEFAULT_REDIS_URL,
      connectionName: `${config.INSTANCE_ID}:digest`,
      process: async () => {
        await this.run(new Date());
      },
      attempts: 5,
      backoffMs: 60_000,
      work: options.smtp !== null,
      log: (message, extra) => this.logger.warn(extra, message),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.smtp) return;
    this.jobs.start();
    const { hour, minute } = this.options.digestAt;
    const pattern = `${minute} ${hour} * * *`;
    // A changed MAIL_DIGEST_AT replaces the schedule instead of adding a second one.
    for (const r of await this.jobs.queue.getRepeatableJobs())
      if (r.pattern !== pattern) await this.jobs.queue.removeRepeatableByKey(r.key);
    await this.jobs.queue.add(DIGEST_JOB, {}, { repeat: { pattern, tz: 'UTC' }, jobId: DIGEST_JOB });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }

  get enabled(): boolean {
    return this.options.smtp !== null;
  }

  /** Queues the digest of `now`'s day (UTC) for everyone it concerns. Idempotent per day. */
  async run(now: Date): Promise<DigestRunResult> {
    const digestDate = now.toISOString().slice(0, 10);
    const candidates = await this.candidates(now);
    const recipients = await this.db.collection<RecipientRow>(RECIPIENTS).find({ removed: false }).toArray();
    const drafts = recipients.flatMap((r) => {
      const digest = digestFor(r, candidates, digestDate, now);
      if (!digest) return [];
      return [
        {
          key: `digest:${digestDate}`,
          recipientId: r.recipientId,
          to: r.email,
          kind: 'digest' as const,
          alertId: null,
          digestDate,
          ...digestMail(r.language, r.name, digest),
        },
      ];
    });
    const queued = await this.outbox.put(drafts);
    this.logger.log({ digestDate, recipients: drafts.length, queued }, 'daily digest queued');
    return { digestDate, recipients: drafts.length, queued };
  }

  private async candidates(now: Date): Promise<DigestCandidates> {
    const rows = this.db.collection<ReadModelDocument<TrackerItem>>(TRACKER);
    const candidate = (row: TrackerItem): DigestCandidate[] => {
      const item = mailItemOf(row, this.options.linkBaseUrl);
      return item ? [{ item, institutions: row.commitment?.institutions ?? null }] : [];
    };
    const upcoming = await rows
      .find({
        kind: 'commitment',
        known: true,
        'commitment.status': 'open',
        'commitment.dueAt': {
          $gte: now.toISOString(),
          $lte: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
        },
      })
      .sort({ 'commitment.dueAt': 1 })
      .toArray();
    const lapsed = await rows
      .find({ kind: 'commitment', known: true, 'commitment.status': 'lapsed' })
      .sort({ 'commitment.dueAt': 1 })
      .toArray();
    const staleIds = await this.db.collection<Alert>(ALERTS).distinct('itemId', {
      type: 'assessment.stale',
      raisedAt: { $gt: new Date(now.getTime() - DAY_MS).toISOString() },
    });
    const stale = staleIds.length
      ? await rows.find({ _id: { $in: staleIds.map(String) }, known: true }).toArray()
      : [];
    return {
      upcoming: upcoming.flatMap((row) =>
        candidate(row).map((c) => ({ ...c, dueAt: row.commitment!.dueAt })),
      ),
      lapsed: lapsed.flatMap(candidate),
      stale: stale.flatMap(candidate),
    };
  }
}
