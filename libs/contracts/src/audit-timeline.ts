/**
 * `GET /api/audit/timeline?item=<id>` (the gateway's, auditors and admins): every event about an item
 * and the items linked to it, in recorded order, each rendered in English or French. Types only, no
 * zod: the web app imports this module as it is.
 */
export interface TimelineEntry {
  /** When it was recorded. */
  readonly at: string;
  /** When it happened, as its author said. */
  readonly occurredAt: string;
  readonly service: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly actor: string;
  readonly role: string;
  /** One sentence: who did what. */
  readonly text: string;
  /** What changed, evidence, reasons: one line each. */
  readonly details: readonly string[];
}

export interface Timeline {
  readonly item: string;
  readonly lang: 'en' | 'fr';
  readonly related: readonly string[];
  readonly entries: readonly TimelineEntry[];
}
