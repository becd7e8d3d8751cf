import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { z } from 'zod';
import { Public } from '@tracker/auth';
import { type AnswerOf, ApiReturns } from '@tracker/contracts';
import { ROUTES } from '../../gateway.tokens';
import type { Route } from '../../infrastructure/routes';

const Indicators = z.record(z.string(), z.looseObject({ status: z.enum(['up', 'down']) }).optional());

/** What /health answers (Terminus's shape): each service behind the gateway, up or down. */
export const HealthBody = z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: Indicators.optional(),
  error: Indicators.optional(),
  details: Indicators,
});
export type HealthBody = AnswerOf<typeof HealthBody>;

/** Ready when every service behind the gateway reports ready. */
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(ROUTES) private readonly routes: readonly Route[],
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiReturns(200, HealthBody, 'every service behind the gateway is up')
  check(): Promise<HealthBody> {
    // Routes the gateway answers itself (the audit timeline) have no upstream to ask.
    const services = new Map(this.routes.filter((r) => !r.local).map((r) => [r.service, r.upstream]));
    return this.health.check(
      [...services].map(([name, upstream]) => async () => {
        const i = this.indicator.check(name);
        try {
          const res = await fetch(new URL('/health', upstream), { signal: AbortSignal.timeout(5_000) });
          return res.ok ? i.up() : i.down({ httpStatus: res.status });
        } catch (err) {
          return i.down({ message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }
}
