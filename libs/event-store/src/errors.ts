/** A writer's expected version no longer matches the stream: someone else wrote first. Maps to 409/412. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | null,
  ) {
    super(
      `stream ${streamId} is at version ${actualVersion ?? 'unknown'}, the write expected ${expectedVersion}: reload and retry`,
    );
  }
}
