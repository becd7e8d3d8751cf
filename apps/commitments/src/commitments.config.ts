import { z } from 'zod';
import { type ConfigVariable, loadConfig } from '@tracker/platform';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30d`, `12h`, `90m`, `2s`, `500ms` → milliseconds. */
export const parseDuration = (text: string): number | null => {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
};

const leadTimes = z
  .string()
  .transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const out: number[] = [];
    for (const p of parts) {
      const ms = parseDuration(p);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `"${p}" is not a duration like 30d, 12h, 90m, 2s or 500ms` });
        return z.NEVER;
      }
      out.push(ms);
    }
    return [...new Set(out)].sort((a, b) => b - a);
  })
  .refine((l) => l.length <= 10, 'at most 10 lead times');

/**
 * Jobs in flight per worker. A firing mostly waits on Redis and the event store, so throughput grows
 * with it: 16 fired ~1,300 jobs/s, short of 100,000 deadlines in a minute (bench/alerts README).
 */
export const DEFAULT_WORKER_CONCURRENCY = 64;

/** The deadline timers' settings, validated when the module is built (a bad value stops the boot). */
export const deadlineConfigSchema = z.object({
  DEADLINE_REMINDER_LEAD_TIMES: leadTimes.default([30 * 86_400_000, 7 * 86_400_000, 86_400_000]),
  DEADLINE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  DEADLINE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_WORKER_CONCURRENCY),
});
export type DeadlineConfig = z.infer<typeof deadlineConfigSchema>;

export const deadlineConfigDocs: Record<keyof DeadlineConfig, ConfigVariable> = {
  DEADLINE_REMINDER_LEAD_TIMES: {
    description:
      'comma-separated lead times of the `commitment.deadline-approaching` reminders (e.g. 30d,7d,1d; empty: none)',
    sensitive: false,
  },
  DEADLINE_RECONCILE_INTERVAL_MS: {
    description: 'how often the deadline schedule is rebuilt from the read model (ms)',
    sensitive: false,
  },
  DEADLINE_WORKER_CONCURRENCY: {
    description: 'deadline jobs one instance fires at a time (bench/alerts measures the default)',
    sensitive: false,
  },
};

export const loadDeadlineConfig = (env: Record<string, string | undefined> = process.env): DeadlineConfig =>
  loadConfig(deadlineConfigSchema, env);
