import { Injectable } from '@nestjs/common';
import type { Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { Alert } from '../../infrastructure/alerts';
import { CommitmentInstitutions } from '../../infrastructure/commitment-institutions';

/**
 * Which alerts a caller sees: a focal point only those about commitments its institution answers for
 * (recommendations belong to no institution, so their stale alerts are not its business); every other
 * role sees all. Ownership is the current one (CommitmentInstitutions): a commitment handed to another
 * institution takes its alerts along. Until follow-up knows a commitment, a focal point does not see
 * its alerts (closed, not open, while it catches up).
 */
export type AlertScope =
  { readonly all: true } | { readonly all: false; readonly commitmentIds: readonly string[] };

export const isInstitutionScoped = (principal: Principal): boolean => principal.role === 'focal-point';

/** The feed filter of a scope (pure). */
export const alertFilterOf = (scope: AlertScope): Filter<Alert> =>
  scope.all ? {} : { itemKind: 'commitment', itemId: { $in: [...scope.commitmentIds] } };

/**
 * Whether `principal` may see (and so acknowledge) `alert`, given the institutions answering for its
 * commitment (null: unknown to follow-up) (pure).
 */
export const mayAccessAlert = (
  principal: Principal,
  alert: Pick<Alert, 'itemKind'>,
  ownerInstitutions: readonly string[] | null,
): boolean => {
  if (!isInstitutionScoped(principal)) return true;
  if (principal.institution === null || alert.itemKind !== 'commitment' || ownerInstitutions === null)
    return false;
  return ownerInstitutions.includes(principal.institution);
};

@Injectable()
export class AlertAccess {
  constructor(private readonly institutions: CommitmentInstitutions) {}

  async scopeOf(principal: Principal): Promise<AlertScope> {
    if (!isInstitutionScoped(principal)) return { all: true };
    if (principal.institution === null) return { all: false, commitmentIds: [] };
    return { all: false, commitmentIds: await this.institutions.ownedBy(principal.institution) };
  }

  async mayAccess(principal: Principal, alert: Pick<Alert, 'itemKind' | 'itemId'>): Promise<boolean> {
    if (!isInstitutionScoped(principal)) return true;
    const owners =
      alert.itemKind === 'commitment' ? await this.institutions.institutionsOf(alert.itemId) : null;
    return mayAccessAlert(principal, alert, owners);
  }
}
