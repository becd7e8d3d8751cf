import { type Digest, digestSize, type MailItem } from './mail-content';
import type { RecipientRow } from './recipients.projection';

const DAY_MS = 86_400_000;

/**
 * Whether an item is a recipient's business: the secretariat's always; a focal point's when its
 * institution answers for the item (`institutions` null: a recommendation, which no institution owns).
 */
export const concerns = (
  r: Pick<RecipientRow, 'audience'>,
  institutions: readonly string[] | null,
): boolean => r.audience.kind === 'secretariat' || (institutions?.includes(r.audience.institution) ?? false);

/** Who is mailed at once when a commitment of `institutions` lapses (pure). */
export const lapseRecipients = (
  recipients: readonly RecipientRow[],
  institutions: readonly string[],
): RecipientRow[] =>
  recipients.filter((r) => !r.removed && !r.paused && r.mode === 'immediate' && concerns(r, institutions));

/** An item the digest may list, with who answers for it. */
export interface DigestCandidate {
  readonly item: MailItem;
  /** Null: a recommendation (the secretariat's alone). */
  readonly institutions: readonly string[] | null;
}

export interface DigestCandidates {
  /** Open commitments due from now to 30 days on, with their due instant. */
  readonly upcoming: readonly (DigestCandidate & { readonly dueAt: string })[];
  readonly lapsed: readonly DigestCandidate[];
  /** Items that went stale since the previous digest. */
  readonly stale: readonly DigestCandidate[];
}

/**
 * One person's digest of `date` (pure): what concerns them, each upcoming deadline in the tightest of
 * the 1-, 7- and 30-day windows it falls in. Paused and removed people get none (null), and so does
 * someone with nothing to be told.
 */
export const digestFor = (
  r: RecipientRow,
  candidates: DigestCandidates,
  date: string,
  now: Date,
): Digest | null => {
  if (r.removed || r.paused) return null;
  const mine = <T extends DigestCandidate>(xs: readonly T[]): T[] =>
    xs.filter((c) => concerns(r, c.institutions));
  const upcoming = mine(candidates.upcoming).map((c) => ({
    ...c,
    left: Date.parse(c.dueAt) - now.getTime(),
  }));
  const digest: Digest = {
    date,
    dueIn1: upcoming.filter((c) => c.left <= DAY_MS).map((c) => c.item),
    dueIn7: upcoming.filter((c) => c.left > DAY_MS && c.left <= 7 * DAY_MS).map((c) => c.item),
    dueIn30: upcoming.filter((c) => c.left > 7 * DAY_MS && c.left <= 30 * DAY_MS).map((c) => c.item),
    lapsed: mine(candidates.lapsed).map((c) => c.item),
    stale: mine(candidates.stale).map((c) => c.item),
  };
  return digestSize(digest) > 0 ? digest : null;
};
