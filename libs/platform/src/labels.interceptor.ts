import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { labelOf, negotiateLanguage, type Language, type Vocabulary } from '@tracker/contracts';

/** Fields labelled in every response, wherever they appear: field name → vocabulary. */
export const LABELLED_FIELDS: Readonly<Record<string, Vocabulary>> = {
  status: 'status',
  position: 'position',
  mechanism: 'mechanism',
  role: 'role',
};

export const LABELS_KEY = 'tracker:labels';

/** Opt-in for more fields on one route or controller, e.g. `@Labels({ assessmentStatus: 'status' })`. */
export const Labels = (fields: Record<string, Vocabulary>): MethodDecorator & ClassDecorator =>
  SetMetadata(LABELS_KEY, fields);

const MAX_DEPTH = 12;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` where every labelled field (a string, or an object with a string `value` such as a
 * recommendation's `position`) gains a sibling `<field>Label` in `language`. Unknown values get no
 * label; an existing `<field>Label` is never overwritten; nothing is mutated.
 */
export const addLabels = (
  value: unknown,
  language: Language,
  fields: Readonly<Record<string, Vocabulary>> = LABELLED_FIELDS,
  depth = 0,
): unknown => {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => addLabels(v, language, fields, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = addLabels(v, language, fields, depth + 1);
  for (const [field, vocabulary] of Object.entries(fields)) {
    const labelField = `${field}Label`;
    if (!Object.hasOwn(value, field) || Object.hasOwn(value, labelField)) continue;
    const raw = value[field];
    const code = typeof raw === 'string' ? raw : isPlainObject(raw) ? raw.value : undefined;
    const label = typeof code === 'string' ? labelOf(vocabulary, code, language) : undefined;
    if (label !== undefined) out[labelField] = label;
  }
  return out;
};

/**
 * Adds English or French labels to JSON answers by Accept-Language (French when preferred, English
 * otherwise) and says which with Content-Language. Registered globally by ServiceCoreModule, outside
 * the idempotency interceptor so a replayed answer is labelled in the language of the replay.
 */
@Injectable()
export class LabelsInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const extra = this.reflector.getAllAndOverride<Record<string, Vocabulary> | undefined>(LABELS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const fields = extra ? { ...LABELLED_FIELDS, ...extra } : LABELLED_FIELDS;
    const language = negotiateLanguage(req.headers['accept-language']);
    return next.handle().pipe(
      map((body: unknown) => {
        if (res.headersSent || !(Array.isArray(body) || isPlainObject(body))) return body;
        res.setHeader('Content-Language', language);
        res.vary('Accept-Language');
        return addLabels(body, language, fields);
      }),
    );
  }
}
