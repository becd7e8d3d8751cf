import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { badRequest } from './http-errors';

/** Validates a body, query or param once, at the edge; bad input becomes a 400 problem naming each field. */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  /** Public so the OpenAPI builder can describe what this pipe accepts. */
  constructor(
    readonly schema: S,
    readonly what = 'request body',
  ) {}

  transform(value: unknown): z.infer<S> {
    if (value === undefined) throw badRequest('validation-failed', `${this.what} is missing`);
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const errors = result.error.issues.map((i) => ({
      path: i.path.join('.') || '(root)',
      message: i.message,
    }));
    throw badRequest('validation-failed', `${this.what} is invalid`, errors);
  }
}
