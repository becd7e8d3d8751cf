import type { Collection } from 'mongodb';
import { type CommitDocument, POSITION_PAGE, type PositionClaim, positionFields } from './commit-document';

/**
 * Positions given at append (ADR 0004, addendum "positions at append"). A bulk append of new streams
 * (an import) claims one run of positions for the whole batch, before it inserts the batch's commits
 * already positioned: no update per commit afterwards, which bounded how fast an import reached the
 * read models (~1 ms of FerretDB per commit). The relay moves the head over such a claim once every
 * position in it is accounted for: held by a commit, given up by its appender (a commit it could not
 * store), or filled with a void commit by the relay when the appender died before saying.
 */

/** The stream of void commits: positions a batch claimed but could not fill. Never a real stream id. */
export const VOID_STREAM = '$void';

/** The `_id` of the commit that starts at `position`: a void one for it collides with a late insert. */
export const positionedCommitId = (position: number): string => `@${position}`;

/**
 * A claim made for a batch gives no commit id (its commits are found by position) and carries when it
 * was made: a batch whose appender died leaves positions nobody fills, voided after a grace period.
 */
export type BatchClaim = PositionClaim & {
  readonly batch: true;
  readonly claimedAt: Date;
  /**
   * Runs of positions whose commits were refused: held by nothing, and never will be. Objects, not
   * pairs: FerretDB 1.24 stores no nested arrays.
   */
  readonly unfilled?: readonly { readonly first: number; readonly last: number }[];
};

export const isBatchClaim = (claim: PositionClaim): claim is BatchClaim =>
  (claim as Partial<BatchClaim>).batch === true;

/**
 * A void commit holding positions first..last (no events), put by the relay in a claim an appender left
 * unfilled (it died). Its `_id` is the one a real commit starting at
 * `first` would have, so a commit arriving after its positions were voided fails on the primary key
 * instead of landing at positions the relay has passed; (VOID_STREAM, first) is unique as well.
 */
export const voidCommit = (first: number, last: number, at: Date): CommitDocument => ({
  _id: positionedCommitId(first),
  streamId: VOID_STREAM,
  version: first,
  lastVersion: first,
  recordedAt: at,
  ...positionFields(first, last),
  mentions: [],
  keys: [],
  events: [],
});

/**
 * The positions of a claim that no commit holds and its appender did not give up (`unfilled`): one
 * equality find per position page it spans (the same reads readPositioned does). Ascending.
 */
export const uncoveredPositions = async (
  commits: Collection<CommitDocument>,
  claim: PositionClaim,
): Promise<number[]> => {
  const first = claim._id;
  const last = claim._id + claim.count - 1;
  const pages: number[] = [];
  for (let p = Math.floor(first / POSITION_PAGE); p <= Math.floor(last / POSITION_PAGE); p += 1)
    pages.push(p);
  const found = await Promise.all(
    pages.map((page) =>
      commits.find({ pages: page }, { projection: { position: 1, lastPosition: 1 } }).toArray(),
    ),
  );
  const covered = new Set<number>();
  for (const run of (claim as Partial<BatchClaim>).unfilled ?? [])
    for (let q = run.first; q <= run.last; q += 1) covered.add(q);
  for (const c of found.flat()) {
    if (c.position === undefined) continue;
    for (let q = Math.max(first, c.position); q <= Math.min(last, c.lastPosition ?? c.position); q += 1)
      covered.add(q);
  }
  const missing: number[] = [];
  for (let q = first; q <= last; q += 1) if (!covered.has(q)) missing.push(q);
  return missing;
};
