/**
 * What recording an assessment needs to know of the item it is about, which follow-up learns from the
 * other contexts' topics, not from its own streams: whether a recommendation is known, and which
 * institutions answer for a commitment. A port the domain owns (commands never read a read model
 * themselves); infrastructure/commitment-institutions.ts answers it.
 */
export interface AssessableItems {
  /** The institutions of a commitment follow-up knows; null while it does not know it. */
  institutionsOf(commitmentId: string): Promise<readonly string[] | null>;
  isKnownRecommendation(recommendationId: string): Promise<boolean>;
}

export const ASSESSABLE_ITEMS = Symbol('ASSESSABLE_ITEMS');
