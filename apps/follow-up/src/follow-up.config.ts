import { z } from 'zod';
import { type ConfigVariable, loadConfig } from '@tracker/platform';

/** Stale follow-up settings, validated when the module is built (a bad value stops the boot). */
export const staleConfigSchema = z.object({
  /**
   * N: an item with no assessment for N days raises `assessment.stale`; 0 = no global period (only
   * items given their own period, PUT /api/tracker/items/:id/stale-after, can go stale).
   */
  ASSESSMENT_STALE_AFTER_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** The length of one "day" in ms: 86,400,000, except in tests that want N to pass in seconds. */
  ASSESSMENT_STALE_DAY_MS: z.coerce.number().int().min(1).default(86_400_000),
  /** How often the tracker is checked for stale items (ms): the most an alert is late. */
  ASSESSMENT_STALE_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
});
export type StaleConfig = z.infer<typeof staleConfigSchema>;

export const staleConfigDocs: Record<keyof StaleConfig, ConfigVariable> = {
  ASSESSMENT_STALE_AFTER_DAYS: {
    description:
      'days without an assessment after which an item is stale (assessment.stale), unless the item has its own period; 0 = only items with their own period',
    sensitive: false,
  },
  ASSESSMENT_STALE_DAY_MS: {
    description: 'length of a staleness "day" in ms (tests shorten it)',
    sensitive: false,
  },
  ASSESSMENT_STALE_CHECK_INTERVAL_MS: {
    description: 'how often the tracker is checked for stale items (ms)',
    sensitive: false,
  },
};

export interface StaleOptions {
  /** The global N in ms (days × day length); 0 = no global period. */
  readonly staleAfterMs: number;
  /** The length of a day in ms: an item's own period is set in days. */
  readonly dayMs: number;
  readonly checkIntervalMs: number;
}

export const staleOptionsFromEnv = (env: Record<string, string | undefined> = process.env): StaleOptions => {
  const c = loadConfig(staleConfigSchema, env);
  return {
    staleAfterMs: c.ASSESSMENT_STALE_AFTER_DAYS * c.ASSESSMENT_STALE_DAY_MS,
    dayMs: c.ASSESSMENT_STALE_DAY_MS,
    checkIntervalMs: c.ASSESSMENT_STALE_CHECK_INTERVAL_MS,
  };
};
