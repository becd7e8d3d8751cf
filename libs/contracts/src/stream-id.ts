/**
 * Stream ids are `<aggregate>-<uuid>`. They become document keys in read models (applied-version maps),
 * so they must never contain `.` or start with `$`.
 */
export const streamIdOf = (aggregate: string, id: string): string => `${aggregate}-${id}`;

/** The id in `<aggregate>-<id>` when the stream is one of that aggregate's, else null. */
export const idInStream = (streamId: string, aggregate: string): string | null =>
  streamId.startsWith(`${aggregate}-`) ? streamId.slice(aggregate.length + 1) : null;

export const idFromStreamId = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(dash + 1);
};

export const aggregateOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
