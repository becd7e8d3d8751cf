import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { z } from 'zod';
import { zodToOpenApi } from '@tracker/platform';

/** The OpenAPI 3.0 schema of a zod request schema, for @ApiBody. */
export const schemaOf = (s: z.ZodType): SchemaObject => zodToOpenApi(s);

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid input (problem+json naming each field)',
  401: 'no or bad bearer token',
  403: 'role not allowed, or a focal point outside its institution',
  404: 'no such item',
  422: 'a rule is broken (e.g. an assessment dated in the future)',
};

/** problem+json answers of a route, documented in one decorator. */
export const Problems =
  (...statuses: number[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const status of statuses)
      ApiResponse({ status, description: PROBLEM_TEXT[status] ?? 'problem+json' })(target, key, descriptor);
  };
