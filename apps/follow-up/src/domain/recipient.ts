import {
  AggregateNotFoundError,
  InvalidTransitionError,
  RecipientRegistered,
  RecipientRemoved,
  RecipientUpdated,
  recipientEvents,
  type RecipientEvent,
  type RecipientSettings,
} from '@tracker/contracts';

/**
 * A person who receives alert mails. The address is the identity (`recipientIdFor(email)`), so it never
 * changes; an admin registers, updates and removes them. Pausing and digest-only are settings.
 */
export type RecipientCommand =
  | {
      readonly type: 'register';
      readonly recipientId: string;
      readonly email: string;
      readonly settings: RecipientSettings;
    }
  | { readonly type: 'update'; readonly recipientId: string; readonly changes: Partial<RecipientSettings> }
  | { readonly type: 'remove'; readonly recipientId: string };

export interface RecipientState {
  readonly email: string | null;
  /** Null: never registered, or removed. */
  readonly settings: RecipientSettings | null;
}

export const initialState: RecipientState = { email: null, settings: null };

const sameSettings = (a: RecipientSettings, b: RecipientSettings): boolean =>
  JSON.stringify([a.name, a.language, a.audience, a.mode, a.paused]) ===
  JSON.stringify([b.name, b.language, b.audience, b.mode, b.paused]);

export const decide = (cmd: RecipientCommand, state: RecipientState, _now: Date): RecipientEvent[] => {
  switch (cmd.type) {
    case 'register': {
      if (state.settings === null)
        return [RecipientRegistered({ recipientId: cmd.recipientId, email: cmd.email, ...cmd.settings })];
      // Registering exactly what is registered changes nothing (a retried POST, the seed run again).
      if (sameSettings(state.settings, cmd.settings)) return [];
      throw new InvalidTransitionError(
        `${cmd.email} is registered with other settings: change them with PATCH /api/recipients/${cmd.recipientId}`,
      );
    }
    case 'update': {
      if (state.settings === null) throw new AggregateNotFoundError('recipient', cmd.recipientId);
      const next: RecipientSettings = {
        name: cmd.changes.name ?? state.settings.name,
        language: cmd.changes.language ?? state.settings.language,
        audience: cmd.changes.audience ?? state.settings.audience,
        mode: cmd.changes.mode ?? state.settings.mode,
        paused: cmd.changes.paused ?? state.settings.paused,
      };
      if (sameSettings(state.settings, next)) return [];
      return [RecipientUpdated({ recipientId: cmd.recipientId, ...next })];
    }
    case 'remove':
      if (state.settings === null) throw new AggregateNotFoundError('recipient', cmd.recipientId);
      return [RecipientRemoved({ recipientId: cmd.recipientId })];
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
};

const settingsOf = (data: RecipientSettings): RecipientSettings => ({
  name: data.name,
  language: data.language,
  audience: data.audience,
  mode: data.mode,
  paused: data.paused,
});

export const evolve = (state: RecipientState, event: RecipientEvent): RecipientState => {
  switch (event.type) {
    case 'recipient.registered':
      return { email: event.data.email, settings: settingsOf(event.data) };
    case 'recipient.updated':
      return { ...state, settings: settingsOf(event.data) };
    case 'recipient.removed':
      return { ...state, settings: null };
    default:
      return state;
  }
};

export const Recipient = {
  name: 'recipient',
  initialState,
  decide,
  evolve,
  registry: recipientEvents,
} as const;
