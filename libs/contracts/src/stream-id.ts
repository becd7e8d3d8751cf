/**
 * Stream ids are `<aggregate>-<uuid>`. They become document keys in read models (applied-version maps),
 * so they must never contain `.` or start with `$`.
 */
export const streamIdOf = (aggregate: string, id: string): string => `${aggregate}-${id}`;

export const idFromStreamId = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(dash + 1);
};

export const aggregateOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
