import type { Db } from 'mongodb';
import type { EventRecord } from '@tracker/event-store';
import { type Ack, MARKER } from './load';

/** What one scenario proved, printed as one line. */
export interface ScenarioFigures {
  readonly scenario: string;
  readonly faults: string;
  readonly acknowledged: number;
  readonly found: number;
  readonly duplicates: number;
  readonly missing: number;
  /** Acknowledged writes whose item's read-model rows do not show exactly the stored events. */
  readonly readModelMissing: number;
  readonly outboxPending: number;
  readonly alertsExpected: number;
  readonly alertsFired: number;
  readonly alertDuplicates: number;
  readonly alertsMissing: number;
  readonly webhookRedeliveries: number;
  readonly unacknowledged: number;
  readonly refused: number;
  readonly settledInMs: number;
}

export const formatFigures = (f: ScenarioFigures): string =>
  `chaos ${f.scenario}: acknowledged writes ${f.acknowledged}, found ${f.found}, duplicates ${f.duplicates}, ` +
  `missing ${f.missing}, missing from read models ${f.readModelMissing}, outbox pending ${f.outboxPending}; ` +
  `alerts expected ${f.alertsExpected}, fired ${f.alertsFired}, duplicated ${f.alertDuplicates}, ` +
  `missed ${f.alertsMissing} (webhook redeliveries ${f.webhookRedeliveries}); ` +
  `unacknowledged ${f.unacknowledged}, refused ${f.refused}; settled in ${(f.settledInMs / 1000).toFixed(1)} s; ` +
  `faults: ${f.faults}`;

interface StoreScan {
  readonly events: EventRecord[];
  readonly pendingCommits: number;
  readonly head: number;
  readonly relayCheckpoint: number;
}

/** Every event of a service's store (pending commits included) and where its outbox relay stands. */
export const scanStore = async (db: Db): Promise<StoreScan> => {
  const commits = await db
    .collection<{ events: EventRecord[]; pending?: true; lastPosition?: number }>('events')
    .find({}, { projection: { events: 1, pending: 1, lastPosition: 1 } })
    .toArray();
  const checkpoints = await db.collection<{ position?: number }>('relay_checkpoints').find({}).toArray();
  return {
    events: commits.flatMap((c) => c.events),
    pendingCommits: commits.filter((c) => c.pending === true).length,
    head: Math.max(0, ...commits.map((c) => c.lastPosition ?? 0)),
    relayCheckpoint: Math.max(0, ...checkpoints.map((c) => c.position ?? 0)),
  };
};

export const outboxPending = (s: StoreScan): number =>
  s.pendingCommits + Math.max(0, s.head - s.relayCheckpoint);

/** marker → how many stored events carry it (a marker is unique to one write). */
export const markerCounts = (
  events: readonly EventRecord[],
  type: string,
  field: 'note' | 'text',
): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.type !== type) continue;
    const value = (e.data as Record<string, unknown>)[field];
    const m = typeof value === 'string' ? MARKER.exec(value) : null;
    if (m) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  return counts;
};

interface TrackerRow {
  itemId: string;
  assessmentCount: number;
  latestAssessment: { note: string | null } | null;
  commitment: { text: string } | null;
}
interface CommitmentViewRow {
  commitmentId: string;
  text: string;
  version: number;
}

/**
 * Items (ids) whose read-model rows disagree with the event stores: the tracker row's assessment count
 * and latest note (follow-up), the commitment's text in the tracker and in the commitments view, and the
 * view's version (commitments). Equal counts and last values mean each stored event was applied once.
 */
export const readModelMismatches = async (
  dbs: { followUp: Db; commitments: Db },
  stores: { followUp: readonly EventRecord[]; commitments: readonly EventRecord[] },
  items: { commitments: readonly string[]; recommendations: readonly string[] },
): Promise<Map<string, string>> => {
  const wrong = new Map<string, string>();
  const ids = [...items.commitments, ...items.recommendations];
  const rows = new Map(
    (
      await dbs.followUp
        .collection<TrackerRow>('tracker_items')
        .find({ itemId: { $in: ids } })
        .toArray()
    ).map((r) => [r.itemId, r]),
  );
  const views = new Map(
    (
      await dbs.commitments
        .collection<CommitmentViewRow>('commitments_view')
        .find({ commitmentId: { $in: [...items.commitments] } })
        .toArray()
    ).map((v) => [v.commitmentId, v]),
  );
  for (const id of ids) {
    const assessed = stores.followUp
      .filter(
        (e) => e.type === 'assessment.recorded' && (e.data as { target: { id: string } }).target.id === id,
      )
      .sort((a, b) => a.version - b.version);
    const row = rows.get(id);
    const lastNote = (assessed.at(-1)?.data as { note?: string | null } | undefined)?.note ?? null;
    if (!row) {
      wrong.set(id, 'no tracker row');
      continue;
    }
    if (row.assessmentCount !== assessed.length)
      wrong.set(id, `tracker assessmentCount ${row.assessmentCount}, stored ${assessed.length}`);
    else if (assessed.length > 0 && row.latestAssessment?.note !== lastNote)
      wrong.set(id, `tracker latest note ${row.latestAssessment?.note}, stored ${lastNote}`);
  }
  for (const id of items.commitments) {
    const stream = stores.commitments
      .filter((e) => e.streamId === `commitment-${id}`)
      .sort((a, b) => a.version - b.version);
    const text = stream
      .filter((e) => e.type === 'commitment.created' || e.type === 'commitment.revised')
      .map((e) => (e.data as { text: string }).text)
      .at(-1);
    const view = views.get(id);
    const row = rows.get(id);
    if (!view) wrong.set(id, 'no commitments_view row');
    else if (view.version !== stream.at(-1)?.version)
      wrong.set(id, `commitments_view version ${view.version}, stored ${stream.at(-1)?.version}`);
    else if (view.text !== text) wrong.set(id, 'commitments_view text is not the last stored one');
    else if (row?.commitment?.text !== text)
      wrong.set(id, 'tracker commitment text is not the last stored one');
  }
  return wrong;
};

/** Acknowledged writes: found once, duplicated, missing (a duplicate is a duplicate, acknowledged or not). */
export const countWrites = (
  acked: readonly Ack[],
  counts: { assessment: Map<string, number>; revision: Map<string, number> },
  scenarioMarker: string,
): { found: number; missing: string[]; duplicates: string[] } => {
  const missing: string[] = [];
  let found = 0;
  for (const a of acked) {
    const n = counts[a.kind].get(a.marker) ?? 0;
    if (n === 0) missing.push(a.marker);
    else found++;
  }
  const duplicates = [...counts.assessment, ...counts.revision]
    .filter(([m, n]) => n > 1 && m.includes(scenarioMarker))
    .map(([m, n]) => `${m} ×${n}`);
  return { found, missing, duplicates };
};
