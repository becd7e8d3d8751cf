/**
 * Errors a domain's decide() throws. They carry no HTTP knowledge; the edge maps them once
 * (InvalidTransition → 409, RuleViolation → 422, NotFound → 404).
 */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
}

export class RuleViolationError extends Error {
  override readonly name = 'RuleViolationError';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export class AggregateNotFoundError extends Error {
  override readonly name = 'AggregateNotFoundError';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`${aggregate} ${id} does not exist`);
  }
}
