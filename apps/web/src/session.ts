import type { Role } from '../../../libs/auth/src/principal';

/** Who is signed in, as the token says; used only to show what the role may do (the API decides). */
export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly institution: string | null;
  readonly expiresAt: number;
}

const STORAGE_KEY = 'tracker.session';
const ROLE_NAMES: readonly string[] = ['admin', 'secretariat', 'focal-point', 'auditor', 'viewer'];
const isRole = (value: unknown): value is Role => typeof value === 'string' && ROLE_NAMES.includes(value);

/** The claims of a JWT, read without verifying: the signature is the API's business, not the page's. */
const claimsOf = (token: string): Record<string, unknown> | null => {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

export const sessionOf = (token: string): Session | null => {
  const claims = claimsOf(token);
  if (!claims || !isRole(claims.role) || typeof claims.exp !== 'number') return null;
  return {
    token,
    role: claims.role,
    institution: typeof claims.institution === 'string' ? claims.institution : null,
    expiresAt: claims.exp * 1000,
  };
};

/**
 * Kept in sessionStorage: it survives a reload and a deep link opened in the same tab, and is gone when
 * the tab closes (a shared office computer). An expired token counts as signed out.
 */
export const loadSession = (): Session | null => {
  const token = sessionStorage.getItem(STORAGE_KEY);
  const session = token ? sessionOf(token) : null;
  return session && session.expiresAt > Date.now() ? session : null;
};

export const saveSession = (session: Session | null): void => {
  if (session) sessionStorage.setItem(STORAGE_KEY, session.token);
  else sessionStorage.removeItem(STORAGE_KEY);
};

/** What the UI offers; the API still refuses what a role may not do (a focal point: other institutions). */
export const canRecordAssessment = (
  session: Session,
  item: { kind: string; commitment: { institutions: readonly string[] } | null },
): boolean => {
  if (session.role === 'admin' || session.role === 'secretariat') return true;
  if (session.role !== 'focal-point' || item.kind !== 'commitment' || !session.institution) return false;
  return item.commitment?.institutions.includes(session.institution) ?? false;
};

/** Extending a due date (and later the other commitment changes): the same writers the API admits. */
export const canChangeCommitment = (
  session: Session,
  item: { kind: string; commitment: { institutions: readonly string[] } | null },
): boolean => item.kind === 'commitment' && canRecordAssessment(session, item);

/** Recording a lapse before the deadline timer does: the secretariat's (admin passes everywhere). */
export const canMarkLapsed = (session: Session): boolean =>
  session.role === 'secretariat' || session.role === 'admin';

/** The audit history (who, when, why): the audit API admits auditors and admins only. */
export const canReadAudit = (session: Session): boolean =>
  session.role === 'auditor' || session.role === 'admin';

/** Acknowledging alerts (a focal point, those of its institution's commitments: the API scopes it). */
export const canAcknowledgeAlerts = (session: Session): boolean =>
  session.role === 'admin' || session.role === 'secretariat' || session.role === 'focal-point';

/** Webhook subscriptions and their deliveries: the API admits admin and secretariat. */
export const canManageWebhooks = (session: Session): boolean =>
  session.role === 'admin' || session.role === 'secretariat';

/** Importing recommendations: the API admits the secretariat (and admin). */
export const canImport = (session: Session): boolean =>
  session.role === 'admin' || session.role === 'secretariat';
