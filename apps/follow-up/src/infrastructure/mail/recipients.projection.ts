import { idInStream, recipientEvents, type RecipientEvent, type RecipientSettings } from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/** The recipients read model: one row per address ever registered; a removed one stays, marked. */
export interface RecipientRow extends RecipientSettings {
  readonly recipientId: string;
  readonly email: string;
  readonly removed: boolean;
  /** Version of the recipient's stream. */
  readonly version: number;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export const RECIPIENTS = 'mail_recipients';

export const recipientsProjection: Projection<RecipientRow> = {
  name: RECIPIENTS,
  route: (event) => {
    const id = idInStream(event.streamId, 'recipient');
    return id !== null && recipientEvents.has(event.type) ? [id] : [];
  },
  apply: (doc, stored) => {
    const event = recipientEvents.parse<RecipientEvent>(stored);
    const at = stored.metadata.recordedAt;
    switch (event.type) {
      case 'recipient.registered': {
        const { recipientId, email, name, language, audience, mode, paused } = event.data;
        return {
          recipientId,
          email,
          name,
          language,
          audience,
          mode,
          paused,
          removed: false,
          version: stored.version,
          registeredAt: at,
          updatedAt: at,
        };
      }
      case 'recipient.updated': {
        if (!doc) return null;
        const { name, language, audience, mode, paused } = event.data;
        return { ...doc, name, language, audience, mode, paused, version: stored.version, updatedAt: at };
      }
      case 'recipient.removed':
        return doc ? { ...doc, removed: true, version: stored.version, updatedAt: at } : null;
      default:
        return doc;
    }
  },
};
