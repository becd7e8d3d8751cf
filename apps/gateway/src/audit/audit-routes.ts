import type { Role } from '@tracker/auth';
import type { GatewayConfig } from '../gateway.config';
import type { Route } from '../infrastructure/routes';

/** Only these roles reach the audit API (services check again: @Roles('auditor'), admin always passes). */
export const AUDIT_ROLES: readonly Role[] = ['auditor', 'admin'];

export const AUDIT_TIMELINE_PATH = '/api/audit/timeline';

/**
 * `/api/audit/<service>/...` → that service's `/api/audit/...`; `/api/audit/timeline` is answered by the
 * gateway itself (it merges the three services' audit histories, see ADR 0007).
 */
export const auditRoutes = (config: GatewayConfig): Route[] => [
  {
    prefix: '/api/audit/recommendations',
    upstream: config.RECOMMENDATIONS_URL,
    service: 'recommendations',
    rewriteTo: '/api/audit',
    roles: AUDIT_ROLES,
  },
  {
    prefix: '/api/audit/commitments',
    upstream: config.COMMITMENTS_URL,
    service: 'commitments',
    rewriteTo: '/api/audit',
    roles: AUDIT_ROLES,
  },
  {
    prefix: '/api/audit/follow-up',
    upstream: config.FOLLOW_UP_URL,
    service: 'follow-up',
    rewriteTo: '/api/audit',
    roles: AUDIT_ROLES,
  },
  {
    prefix: AUDIT_TIMELINE_PATH,
    upstream: 'http://gateway.local',
    service: 'gateway',
    local: true,
    roles: AUDIT_ROLES,
  },
];

/** The audit upstreams, by service name: what the timeline queries. */
export const auditUpstreams = (routes: readonly Route[]): { service: string; upstream: string }[] =>
  routes
    .filter((r) => r.rewriteTo === '/api/audit' && !r.local)
    .map((r) => ({ service: r.service, upstream: r.upstream }));
