import { AuthorizationError, type Principal } from '@tracker/auth';

/**
 * A focal point writes only commitments its institution is responsible for (its token's `institution`
 * claim); admin and secretariat write any. Read roles never reach a write handler (route @Roles).
 */
export const assertMayWrite = (principal: Principal, institutions: readonly string[]): void => {
  if (principal.role !== 'focal-point') return;
  if (!principal.institution)
    throw new AuthorizationError('a focal-point token must carry an institution claim to write');
  if (!institutions.includes(principal.institution))
    throw new AuthorizationError(
      `focal point of ${principal.institution} may only write commitments of its own institution (${institutions.join(', ')})`,
    );
};
