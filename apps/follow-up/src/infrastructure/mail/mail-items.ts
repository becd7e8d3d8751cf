import { DueDateKind } from '@tracker/contracts';
import type { TrackerItem } from '../tracker-item.projection';
import type { MailItem } from './mail-content';

/** The item's page in the web app, which the gateway serves at `/`. */
export const itemLink = (baseUrl: string, itemId: string): string =>
  `${baseUrl}/items/${encodeURIComponent(itemId)}`;

/** What a mail says of a tracker row: its name, its source and, for a commitment, its due date (pure). */
export const mailItemOf = (row: TrackerItem, baseUrl: string): MailItem | null => {
  const link = itemLink(baseUrl, row.itemId);
  if (row.kind === 'commitment' && row.commitment) {
    const c = row.commitment;
    const kind = DueDateKind.safeParse(c.dueDateKind);
    return {
      id: row.itemId,
      kind: 'commitment',
      label: c.title,
      citation: `${c.madeAt.citation} — ${c.madeAt.forum}`,
      due: { dueDate: c.dueDate, kind: kind.success ? kind.data : null },
      link,
    };
  }
  if (row.kind === 'recommendation' && row.recommendation) {
    const r = row.recommendation;
    return { id: row.itemId, kind: 'recommendation', label: r.text, citation: r.citation, due: null, link };
  }
  return null;
};
