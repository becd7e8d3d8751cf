import type { Role } from '@tracker/auth';
import { auditRoutes } from '../audit/audit-routes';
import type { GatewayConfig } from '../gateway.config';

export interface Route {
  readonly prefix: string;
  readonly upstream: string;
  readonly service: string;
  /** Path the prefix is replaced with upstream (e.g. /api/audit/commitments/x → /api/audit/x). */
  readonly rewriteTo?: string;
  /** Roles allowed through the gateway at all (services check their own roles again). */
  readonly roles?: readonly Role[];
  /** Answered by the gateway itself (the audit timeline). */
  readonly local?: boolean;
}

/** Which service answers which path. Longest prefix wins. */
export const routeTable = (config: GatewayConfig): Route[] =>
  [
    { prefix: '/api/recommendations', upstream: config.RECOMMENDATIONS_URL, service: 'recommendations' },
    { prefix: '/api/commitments', upstream: config.COMMITMENTS_URL, service: 'commitments' },
    { prefix: '/api/tracker', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/assessments', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/alerts', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/subscriptions', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/recipients', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/mail', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    { prefix: '/api/dashboard', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    // Reports fold what follow-up consumed and recorded itself (docs/adr/0011-reports.md).
    { prefix: '/api/reports', upstream: config.FOLLOW_UP_URL, service: 'follow-up' },
    ...auditRoutes(config),
  ].sort((a, b) => b.prefix.length - a.prefix.length);

export const matchRoute = (routes: readonly Route[], path: string): Route | undefined =>
  routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`) || path.startsWith(`${r.prefix}?`));
