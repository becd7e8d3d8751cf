import 'reflect-metadata';
import type { z } from 'zod';

/** A type with every property and array read-only, at every depth. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * The type of an API answer described by a zod schema (read-only: what a handler returns is never
 * changed afterwards). Handlers' return types are written with it, so the TypeScript compiler checks that
 * what they return is what the OpenAPI document, generated from the same schema, says.
 */
export type AnswerOf<S extends z.ZodType> = DeepReadonly<z.output<S>>;

/** Metadata key of the answers a handler declares with @ApiReturns. */
export const RESPONSES_KEY = 'tracker:responses';

/** Response headers an answer always carries (described once in the document's components). */
export type AnswerHeader = 'ETag' | 'Location';

export interface AnswerOptions {
  /** Media type of the body; application/json unless said. */
  readonly contentType?: string;
  /** Headers the answer always carries: `ETag` (the version, quoted), `Location` (the resource). */
  readonly headers?: readonly AnswerHeader[];
}

/** One answer a handler gives: its status, and the zod schema of its body (null: no body). */
export interface DeclaredResponse extends AnswerOptions {
  readonly status: number;
  readonly schema: z.ZodType | null;
  readonly description: string;
}

/**
 * Documents an answer of a route from the zod schema of its body: the OpenAPI schema is generated from
 * the same zod type the handler's return type is written with (`Promise<AnswerOf<typeof X>>`), so the
 * document cannot drift from the code. Repeat it for every 2xx the route can give.
 */
export const ApiReturns =
  (
    status: number,
    schema: z.ZodType | null,
    description: string,
    options: AnswerOptions = {},
  ): MethodDecorator =>
  (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const before = (Reflect.getMetadata(RESPONSES_KEY, handler) as DeclaredResponse[] | undefined) ?? [];
    Reflect.defineMetadata(RESPONSES_KEY, [...before, { status, schema, description, ...options }], handler);
  };
