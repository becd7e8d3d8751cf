import { z } from 'zod';

export const ROLES = ['admin', 'secretariat', 'focal-point', 'auditor', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who is calling: taken from a verified bearer token, recorded as the actor of every event. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** A focal point writes only for its own institution. */
  readonly institution: string | null;
}

export const TokenClaims = z.object({
  sub: z.string().min(1).max(200),
  role: Role,
  institution: z.string().min(1).max(80).nullable().optional(),
});
