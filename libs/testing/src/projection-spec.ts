import type { StoredEvent } from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/**
 * Folds events into rows as the projection store does (each event to every row it routes to; an
 * `apply` answering null leaves the row as it was), in the order given, without the store's version
 * guard: so `twice` (every event applied again to its own result, a redelivery nothing filtered out)
 * checks that `apply` itself is idempotent. The one fold every projection spec uses; the store's own
 * fold, with the guard, is libs/projections foldProjectionRows.
 */
export const foldRouted = <TDoc extends object>(
  projection: Projection<TDoc>,
  events: Iterable<StoredEvent>,
  options: { readonly twice?: boolean } = {},
): Map<string, TDoc> => {
  const rows = new Map<string, TDoc>();
  for (const event of events)
    for (const id of projection.route(event))
      for (let i = 0; i < (options.twice ? 2 : 1); i += 1) {
        const next = projection.apply(rows.get(id) ?? null, event, id);
        if (next) rows.set(id, next);
      }
  return rows;
};
