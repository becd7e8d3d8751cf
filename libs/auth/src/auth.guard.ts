import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthenticationError, AuthorizationError } from './errors';
import { bearerOf, InvalidTokenError, TokenVerifier, type JwtSettings } from './jwt';
import type { Principal, Role } from './principal';

export const ROLES_KEY = 'tracker:roles';
export const PUBLIC_KEY = 'tracker:public';

/** Roles allowed on a route. A route without @Roles or @Public is closed to everyone but admin. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export const JWT_SETTINGS = Symbol('JWT_SETTINGS');

type AuthenticatedRequest = Request & { principal?: Principal };

/** Global guard: verifies the bearer token (401) and the route's roles (403). */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verifier: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    settings: JwtSettings,
  ) {
    this.verifier = new TokenVerifier(settings);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerOf(req.headers.authorization);
    if (!token) throw new AuthenticationError('a bearer token is required');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (err) {
      throw new AuthenticationError(
        err instanceof InvalidTokenError ? `invalid token: ${err.message}` : 'invalid token',
      );
    }
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new AuthorizationError(`role ${principal.role} may not do this`);
    }
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new AuthenticationError('a bearer token is required');
  return req.principal;
});
