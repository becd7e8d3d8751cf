import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '@tracker/auth';
import { AUDIT_LOG_COLLECTION, AUDIT_OPTIONS, type AuditOptions } from './audit.options';

export interface AuditLogRecord {
  readonly service: string;
  readonly at: Date;
  readonly actor: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly correlationId: string | null;
  readonly completed: boolean;
}

/**
 * Every audit request is itself audited, allowed or not: one structured log line (`audit: {...}`) and
 * one document in the service's `audit_log` collection, written when the answer finished (or the
 * client went away), with who asked, what, and the status they got.
 */
@Injectable()
export class AuditLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(@Inject(AUDIT_OPTIONS) private readonly options: AuditOptions) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = Date.now();
    let logged = false;
    const log = (completed: boolean): void => {
      if (logged) return;
      logged = true;
      const principal = (req as Request & { principal?: Principal }).principal;
      const id = (req as Request & { id?: unknown }).id;
      const header = req.headers['x-correlation-id'];
      const record: AuditLogRecord = {
        service: this.options.service,
        at: new Date(started),
        actor: principal?.subject ?? null,
        role: principal?.role ?? null,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Date.now() - started,
        correlationId: typeof id === 'string' ? id : typeof header === 'string' ? header : null,
        completed,
      };
      this.logger.log({ audit: record }, 'audit request');
      void this.options.db
        .collection<AuditLogRecord>(AUDIT_LOG_COLLECTION)
        .insertOne({ ...record })
        .catch((err: unknown) => this.logger.error({ err }, 'could not record an audit request'));
    };
    res.once('finish', () => log(true));
    res.once('close', () => log(res.writableFinished));
    next();
  }
}
